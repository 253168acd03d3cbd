"""Train the model unsupervised (EM) on the incident itself and score candidate pairs.

Splink runs on the store's own connection, switched to its in-memory catalog: the
records, Splink's working tables and the scored pairs live in memory (spills go to the
encrypted temp directory) and never reach a file in clear.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from vigie.errors import ConfigError
from vigie.link import model, reference
from vigie.link.reference import RECALL

log = logging.getLogger(__name__)

PAIRS = "memory.main.link_pairs"
_SPLINK_HINT = "Splink is needed for linkage: pip install 'splink>=5'"
U_MAX_PAIRS = 1e6  # random pairs for u (Splink tutorials: 1e6); more took 20-40 s at 2M records
EM_MAX_PAIRS = 1e6  # pairs sampled per EM session (all the blocked pairs, when fewer)
M_FLOOR = 1e-4  # at most ~13 bits against a match from one level (see floor_m)
MIN_EM_PAIRS = 100  # Splink wants "at least a few hundred" pairs; fewer teach noise
MIN_U_PAIRS = 1_000  # all the pairs of 46 records; fewer give a u from a pair or two


@dataclass(frozen=True)
class Session:
    """One EM session: its blocking rule, the pairs it makes and whether it trained."""

    rule: str
    pairs: int
    trained: bool


@dataclass(frozen=True)
class Training:
    """What the model learned from the incident and what came from the reference."""

    prior_from_incident: bool
    u_from_incident: bool
    sessions: list[Session]
    m_from_reference: list[str]  # comparisons no EM session trained

    @property
    def trained(self) -> bool:
        return any(s.trained for s in self.sessions)

    def reason(self) -> str | None:
        """Why the model is not (wholly) the incident's, in one line; None when it is."""
        parts = []
        if not self.trained:
            pairs = ", ".join(f"{s.pairs:,}" for s in self.sessions)
            parts.append(
                f"too few record pairs to train on this incident (EM sessions: {pairs} "
                f"pairs, {MIN_EM_PAIRS} needed): vigie's reference model used"
            )
        elif self.m_from_reference:
            parts.append(
                f"partly trained: m of {', '.join(self.m_from_reference)} from vigie's "
                "reference model (too few pairs to learn them)"
            )
        if not self.u_from_incident:
            parts.append(f"u from the reference model (fewer than {MIN_U_PAIRS:,} pairs)")
        if not self.prior_from_incident:
            parts.append("default prior (no usable count of sure pairs)")
        return "; ".join(parts) or None

    def as_dict(self) -> dict[str, Any]:
        return {
            "trained": self.trained,
            "reason": self.reason(),
            "prior_from_incident": self.prior_from_incident,
            "u_from_incident": self.u_from_incident,
            "m_from_reference": self.m_from_reference,
            "sessions": [asdict(s) for s in self.sessions],
        }


@dataclass
class Trained:
    """What training left: the model JSON (settings + parameters) and its digest."""

    model: dict[str, Any]
    digest: str
    pairs: int
    seconds: dict[str, float]
    training: Training


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
    seconds: dict[str, float] = {}
    with in_memory(con):
        started = time.monotonic()
        db_api = DuckDBAPI(connection=con)
        records = db_api.register(records_table.split(".")[-1])
        linker = Linker(records, settings, log_level=None)  # its logs: see quiet.py
        training = estimate(linker, con, records_table, fields, seed)
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
    return finish(con, trained, seconds, training)


def estimate(
    linker: Any,
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: set[str],
    seed: int,
    chunks: int = 10,
) -> Training:
    """Prior from deterministic rules, u by random sampling, m by EM sessions; what the
    incident is too small to teach comes from vigie's reference model (reference.py)."""
    count = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    prior_ok = _estimate_prior(linker, fields, count)
    u_ok = _estimate_u(linker, count, seed, chunks)
    # levels never met among random pairs get the reference's u, too
    reference.fill_u(linker._settings_obj.comparisons)
    sessions = [_em_session(linker, con, table, rule) for rule in model.training_rules(fields)]
    # read again: an EM session replaces the comparison objects
    m_reference = reference.fill_m(linker._settings_obj.comparisons)
    floor_m(linker)
    return Training(prior_ok, u_ok, sessions, m_reference)


def _estimate_prior(linker: Any, fields: set[str], count: int) -> bool:
    """Splink's estimate, or reference.default_prior where it has nothing to go on."""
    rules: list[Any] = [*model.deterministic_rules(fields)]
    settings = linker._settings_obj
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=RECALL)
    except (ValueError, ZeroDivisionError):  # more sure pairs than the recall allows; 1 record
        settings._probability_two_random_records_match = reference.MAX_PRIOR
        return False
    if settings._probability_two_random_records_match > 0:
        return True
    settings._probability_two_random_records_match = reference.default_prior(count, 0)
    return False


def _estimate_u(linker: Any, count: int, seed: int, chunks: int) -> bool:
    """u by random sampling, when the records make enough pairs to sample."""
    if count * (count - 1) / 2 < MIN_U_PAIRS:
        return False
    from splink.internals.exceptions import SplinkException

    max_pairs = min(U_MAX_PAIRS, max(1e5, count * 20.0))
    try:
        linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, seed=seed, num_chunks=chunks
        )
    except (SplinkException, ValueError, ZeroDivisionError):
        return False
    return True


def _em_session(linker: Any, con: duckdb.DuckDBPyConnection, table: str, rule: str) -> Session:
    """One EM session, run only on enough pairs; a failure leaves its comparisons as
    they were (Splink updates the model at the end of a session)."""
    from splink.internals.exceptions import SplinkException

    pairs = session_pairs(con, table, rule)
    if pairs < MIN_EM_PAIRS:
        return Session(rule, pairs, trained=False)
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )
    except (SplinkException, ValueError):  # no pairs; an m that underflowed to 0
        return Session(rule, pairs, trained=False)
    return Session(rule, pairs, trained=True)


def session_pairs(con: duckdb.DuckDBPyConnection, table: str, rule: str) -> int:
    """Pairs an equality blocking rule (`l.a = r.a AND l.b = r.b`) makes, by a GROUP BY:
    no join, so it costs little even at millions of records."""
    columns = re.findall(r"l\.(\w+) = r\.\1\b", rule)
    if not columns or len(columns) != rule.count("="):
        raise ValueError(f"not an equality blocking rule: {rule}")
    keys = ", ".join(columns)
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    sql = (
        f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM "
        f"(SELECT count(*) AS n FROM {table} WHERE {present} GROUP BY {keys})"
    )
    return int(con.execute(sql).fetchall()[0][0])


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
    con: duckdb.DuckDBPyConnection,
    trained: dict[str, Any],
    seconds: dict[str, float],
    training: Training,
) -> Trained:
    """The model's digest and the count of scored pairs."""
    # Splink names each Linker with a random uid: kept, the same incident linked twice
    # would store two models, and a re-run after a crash would differ from the first run.
    trained = {k: v for k, v in trained.items() if k != "linker_uid"}
    pairs = int(con.execute(f"SELECT count(*) FROM {PAIRS}").fetchall()[0][0])
    return Trained(trained, model_digest(trained), pairs, seconds, training)


def model_digest(trained: dict[str, Any]) -> str:
    """The model's identity, its parameters to 12 significant digits: EM's sums in DuckDB
    run in no fixed order, so the same incident trained twice can differ in the last bit of
    an m (seen after a re-run; found by the crash tests), and must not store two models."""
    text = json.dumps(_rounded(trained), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _drop_splink_tables(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'memory' AND table_name LIKE '\\_\\_splink%' ESCAPE '\\'"
    ).fetchall()
    for name, kind in rows:
        what = "VIEW" if kind == "VIEW" else "TABLE"
        con.execute(f'DROP {what} IF EXISTS memory.main."{name}"')
