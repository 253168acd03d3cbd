"""Train the model unsupervised (EM) on the incident itself and score candidate pairs.

Splink runs on the store's own connection, switched to its in-memory catalog: the
records, Splink's working tables and the scored pairs live in memory (spills go to the
encrypted temp directory) and never reach a file in clear.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from vigie.errors import ConfigError
from vigie.link import model

log = logging.getLogger(__name__)

PAIRS = "memory.main.link_pairs"
_SPLINK_HINT = "Splink is needed for linkage: pip install 'splink>=5'"
U_MAX_PAIRS = 1e6  # random pairs for u (Splink tutorials: 1e6); more took 20-40 s at 2M records
EM_MAX_PAIRS = 1e6  # pairs sampled per EM session (all the blocked pairs, when fewer)
M_FLOOR = 1e-4  # at most ~13 bits against a match from one level (see floor_m)


@dataclass
class Trained:
    """What training left: the model JSON (settings + parameters) and its digest."""

    model: dict[str, Any]
    digest: str
    pairs: int
    seconds: dict[str, float]


@contextmanager
def in_memory(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Make the in-memory catalog the default for the block, then the store again."""
    con.execute("USE memory")
    try:
        yield con
    finally:
        con.execute("USE store")


def present_fields(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Fields with values in at least 2 % of the records (a rare field only adds noise)."""
    candidates = ["nir", "other_id", "phone", "email", "sex", "postcode", "street", "first_name"]
    counts = ", ".join(f"count({c})" for c in candidates)
    row = con.execute(f"SELECT count(*), {counts} FROM {table}").fetchall()[0]
    total = max(int(row[0]), 1)
    fields = {c for c, n in zip(candidates, row[1:], strict=True) if n / total >= 0.02}
    return fields | {"surname_key"}


def train_and_predict(
    con: duckdb.DuckDBPyConnection,
    records_table: str,
    settings: dict[str, Any],
    fields: set[str],
    *,
    lower: float,
    seed: int = 1,
) -> Trained:
    """Estimate the model on `records_table` and write scored pairs >= `lower` to PAIRS."""
    import time

    try:
        from splink import DuckDBAPI, Linker
    except ImportError:
        raise ConfigError(_SPLINK_HINT) from None
    logging.getLogger("splink").setLevel(logging.ERROR)  # "level not observed": expected
    seconds: dict[str, float] = {}
    with in_memory(con):
        started = time.monotonic()
        db_api = DuckDBAPI(connection=con)
        records = db_api.register(records_table.split(".")[-1])
        linker = Linker(records, settings, log_level=logging.ERROR)
        count = int(con.execute(f"SELECT count(*) FROM {records_table}").fetchall()[0][0])
        estimate(linker, fields, count, seed)
        seconds["train"] = time.monotonic() - started
        started = time.monotonic()
        predictions = linker.inference.predict(threshold_match_probability=lower)
        con.execute(
            f"CREATE OR REPLACE TABLE {PAIRS} AS SELECT unique_id_l, unique_id_r, "
            f"match_probability, match_weight FROM {predictions.physical_name}"
        )
        seconds["predict"] = time.monotonic() - started
        trained = linker.misc.save_model_to_json()
        _drop_splink_tables(con)
    return finish(con, trained, seconds)


def estimate(linker: Any, fields: set[str], count: int, seed: int, chunks: int = 10) -> None:
    """Prior from deterministic rules, u by random sampling, m by EM sessions."""
    rules: list[Any] = [*model.deterministic_rules(fields)]
    linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    max_pairs = min(U_MAX_PAIRS, max(1e5, count * 20.0))
    linker.training.estimate_u_using_random_sampling(
        max_pairs=max_pairs, seed=seed, num_chunks=chunks
    )
    for rule in model.training_rules(fields):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
            )
        except ValueError as exc:  # Splink refuses an m that underflowed to 0
            log.warning("EM session blocked on %s skipped: %s", rule, str(exc)[:80])
    floor_m(linker)


def floor_m(linker: Any, floor: float = M_FLOOR) -> None:
    """No learned m below `floor`: EM on a clean incident learns that true matches never
    differ on a phone or a birth date digit (m ~ 1e-30, an absolute veto); real files do,
    and one slip must not outweigh names, birth date and address. A level no true match
    reached in training gets `floor` too, not Splink's default (which gives a low level
    such as "first names share nothing, same birth date", twins, some 8 bits *for* a
    match). Fixed m (the household vetoes) stay as they are."""
    for comparison in linker._settings_obj.comparisons:
        levels = [
            level
            for level in comparison.comparison_levels
            if not level.is_null_level and not level._fix_m_probability
        ]
        if all(level._m_probability is None for level in levels):
            continue  # never trained at all: Splink's defaults are all there is
        for level in levels:
            if level._m_probability is None or level.m_probability < floor:
                level.m_probability = floor


def finish(
    con: duckdb.DuckDBPyConnection, trained: dict[str, Any], seconds: dict[str, float]
) -> Trained:
    """The model's digest and the count of scored pairs."""
    # Splink names each Linker with a random uid: kept, the same incident linked twice
    # would store two models, and a re-run after a crash would differ from the first run.
    trained = {k: v for k, v in trained.items() if k != "linker_uid"}
    pairs = int(con.execute(f"SELECT count(*) FROM {PAIRS}").fetchall()[0][0])
    return Trained(trained, model_digest(trained), pairs, seconds)


def model_digest(trained: dict[str, Any]) -> str:
    text = json.dumps(trained, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _drop_splink_tables(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'memory' AND table_name LIKE '\\_\\_splink%' ESCAPE '\\'"
    ).fetchall()
    for name, kind in rows:
        what = "VIEW" if kind == "VIEW" else "TABLE"
        con.execute(f'DROP {what} IF EXISTS memory.main."{name}"')
