"""`vigie notify --shard I/N` and `--merge`: three shards rendered by three processes at
once on one machine, merged into one issue that accounts for every person exactly once and
whose codes all verify; every way a merge can be wrong is one line and changes nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.pipeline import Template
from vigie.notify import records
from vigie.notify.shards import Shard, shard_of, shard_sql
from vigie.workspace import Workspace

DATE = "2021-03-01"
CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def _vigie(*args: str, key_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_KEY_DIR": str(key_dir)}
    env.pop("VIGIE_KEY", None)
    return subprocess.run([sys.executable, "-m", "vigie", *args], capture_output=True,
                          text=True, env=env, timeout=600)  # fmt: skip


def _shards_at_once(ws: Path, key_dir: Path, count: int = 3, *extra: str) -> list[dict]:
    """`vigie notify WS --shard I/N` for every I, all started together."""
    env = {**os.environ, "VIGIE_KEY_DIR": str(key_dir)}
    env.pop("VIGIE_KEY", None)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vigie",
                "notify",
                str(ws),
                "--date",
                DATE,
                "--jobs",
                "1",
                "--batch-size",
                "40",
                "--shard",
                f"{i}/{count}",
                "--json",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(1, count + 1)
    ]
    docs = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        docs.append(json.loads(out))
    return docs


@dataclass(frozen=True)
class Rendered:
    """A 300-person workspace (up to assess) and the same with its 3 shards rendered."""

    template: Template
    plain: str  # folder names under template.root
    sharded: str

    def clone(self, dest: Path, key_dir: Path, which: str) -> Workspace:
        return self.template.clone(dest, key_dir, workspace=which)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    from vigie.demo import run_demo

    root = tmp_path_factory.mktemp("shards")
    key_dir = root / "keys"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(key_dir))
        mp.delenv("VIGIE_KEY", raising=False)
        report = run_demo(root / "demo", persons=300, seed=7, until="report")
    shutil.copytree(report.workspace, root / "demo" / "sharded")
    _shards_at_once(root / "demo" / "sharded", key_dir)
    return Rendered(Template(root / "demo", key_dir), "workspace", "sharded")


def _folders(ws: Workspace) -> list[Path]:
    return sorted((ws.out_dir / "notify" / "shards" / "issue-01").iterdir())


def test_shard_of_is_the_same_in_python_and_in_the_store() -> None:
    import duckdb

    ids = [f"P{n:012X}" for n in range(0, 5000, 7)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS person_id", [ids])
    for count in (1, 2, 3, 7, 100):
        found = dict(con.execute(f"SELECT person_id, {shard_sql('person_id', count)} FROM t")
                     .fetchall())  # fmt: skip
        assert found == {pid: shard_of(pid, count) for pid in ids}
    sizes = [sum(1 for pid in ids if shard_of(pid, 3) == i) for i in (1, 2, 3)]
    assert min(sizes) > len(ids) / 3 * 0.8  # balanced


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "2/0", "1/10000"])
def test_a_bad_shard_is_refused(text: str) -> None:
    from vigie.errors import ConfigError

    with pytest.raises(ConfigError, match="--shard"):
        Shard.parse(text)


def test_three_shards_merge_into_one_issue_accounting_for_everyone_once(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "m", key_dir, rendered.sharded)
    metas = [json.loads((f / "shard.json").read_text()) for f in _folders(ws)]
    merged = _vigie("notify", str(ws.path), "--merge", "--json", key_dir=key_dir)
    assert merged.returncode == 0, merged.stderr
    doc = json.loads(merged.stdout)
    assert doc["shards"] == 3 and doc["persons"] == 300
    assert doc["letters"] == sum(m["letters"] for m in metas)
    assert doc["persons"] == doc["letters"] + sum(doc["not_sent"].values())
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT person_id, letter_id FROM notify_letters UNION ALL "
            "SELECT person_id, NULL FROM notify_not_sent"
        ).fetchall()
        persons = {r[0] for r in con.execute("SELECT person_id FROM persons").fetchall()}
        codes = con.execute("SELECT count(*) FROM notify_codes").fetchall()[0][0]
        portal = con.execute("SELECT count(*) FROM portal_codes").fetchall()[0][0]
        batches = {
            r[0] for r in con.execute("SELECT DISTINCT batch FROM notify_letters").fetchall()
        }
    assert sorted(r[0] for r in rows) == sorted(persons)  # each exactly once
    for person_id, letter_id in rows:
        if letter_id:  # the letter's number modulo N names the person's shard
            assert (int(letter_id.split("-")[1]) - 1) % 3 + 1 == shard_of(person_id, 3)
    assert codes == portal == doc["letters"]
    out = Path(doc["out"])
    assert {p.stem for p in (out / "letters").glob("*.pdf")} == batches
    assert all(re.fullmatch(r"s[123]-batch-\d{4}", b) for b in batches)
    manifest = (out / "manifest.csv").read_text().splitlines()
    assert len(manifest) == doc["letters"] + 1
    assert (ws.out_dir / "notify" / "filings" / "cnil-notification.json").is_file()
    # a code from each shard's e-mails verifies against the merged store
    for folder in _folders(ws):
        eml = next((folder / "email").glob("*.eml"))
        code = CODE.search(eml.read_text(encoding="utf-8"))
        assert code is not None
        check = _vigie("verify", str(ws.path), code.group(0), key_dir=key_dir)
        assert check.returncode == 0, check.stdout
    again = _vigie("notify", str(ws.path), "--merge", key_dir=key_dir)
    assert again.returncode == 0 and "already recorded" in again.stdout


def test_a_sharded_issue_counts_what_one_run_counts(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    from vigie.notify.run import NotifyOptions, notify_workspace
    from vigie.notify.shard_merge import merge_shards

    key_dir = isolated_keys
    one = rendered.clone(tmp_path / "one", key_dir, rendered.plain)
    many = rendered.clone(tmp_path / "many", key_dir, rendered.sharded)
    options = NotifyOptions(batch_size=40, processes=1, letter_date=_date())
    single = notify_workspace(one, options)
    merged = merge_shards(many, [], options)
    for key in ("letters", "persons", "not_sent", "variants", "minors_to_review", "channels"):
        assert merged[key] == single[key], key
    filings = [json.loads((w.out_dir / "notify" / "filings" / "cnil-notification.json")
                          .read_text()) for w in (one, many)]  # fmt: skip
    assert _without_dates(filings[0]) == _without_dates(filings[1])


def _date() -> date:
    return date.fromisoformat(DATE)


def _without_dates(doc: object) -> object:
    """A filing's content without the moments it was written at."""
    if isinstance(doc, dict):
        return {k: _without_dates(v) for k, v in doc.items() if "generated" not in k}
    if isinstance(doc, list):
        return [_without_dates(v) for v in doc]
    return doc


def _merge_error(ws: Workspace, key_dir: Path, *folders: Path) -> str:
    """Run a merge that must fail: one line, exit 3, nothing recorded."""
    result = _vigie("notify", str(ws.path), "--merge", *map(str, folders), key_dir=key_dir)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    with ws.connect(read_only=True) as con:
        assert records.issues(con) == []
    return lines[0]


def test_merge_errors_name_the_gap_the_duplicate_and_the_unfinished(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "w", key_dir, rendered.sharded)
    one, two, three = _folders(ws)
    assert "shard 3/3 missing" in _merge_error(ws, key_dir, one, two)
    assert "shard 2/3 given twice" in _merge_error(ws, key_dir, one, two, two, three)
    (three / "shard.json").unlink()
    assert "did not finish" in _merge_error(ws, key_dir, one, two, three)


def test_merge_refuses_mixed_n_and_another_incident(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "w", key_dir, rendered.sharded)
    one, two, three = _folders(ws)
    meta = json.loads((three / "shard.json").read_text())
    (three / "shard.json").write_text(json.dumps({**meta, "of": 4}))
    assert "shards of another N" in _merge_error(ws, key_dir, one, two, three)
    (three / "shard.json").write_text(json.dumps({**meta, "workspace": "f" * 32}))
    assert "another incident" in _merge_error(ws, key_dir, one, two, three)


def test_merge_refuses_rows_in_the_wrong_shard(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    """A shard folder whose rows are another shard's: persons twice and persons missing."""
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "w", key_dir, rendered.sharded)
    one, two, three = _folders(ws)
    shutil.copy2(two / "records.duckdb", one / "records.duckdb")
    meta = json.loads((one / "shard.json").read_text())
    rows = json.loads((two / "shard.json").read_text())["rows"]
    (one / "shard.json").write_text(json.dumps({**meta, "rows": rows}))
    line = _merge_error(ws, key_dir, one, two, three)
    assert "accounted for more than once" in line and "in no shard" in line


def test_merge_refuses_a_store_changed_since_the_shards(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "w", key_dir, rendered.sharded)
    ws.record("link", {"again": True}, {})  # as if a stage ran again
    assert "the store changed" in _merge_error(ws, key_dir)


def test_shards_rendered_on_copies_made_before_the_keys_do_not_merge(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    """Two machines, each with a copy taken before any notify: each makes its own keys."""
    key_dir = isolated_keys
    here = rendered.clone(tmp_path / "here", key_dir, rendered.plain)
    there = rendered.clone(tmp_path / "there", key_dir, rendered.plain)
    for ws, index in ((here, 1), (here, 2), (there, 3)):
        done = _vigie("notify", str(ws.path), "--date", DATE, "--jobs", "1", "--shard",
                      f"{index}/3", key_dir=key_dir)  # fmt: skip
        assert done.returncode == 0, done.stderr
    folders = [*_folders(here), *_folders(there)]
    assert "other code, portal or QR keys" in _merge_error(here, key_dir, *folders)


def test_make_keys_then_copies_merge(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    """--make-keys before copying: shards rendered on two copies merge in the first."""
    key_dir = isolated_keys
    here = rendered.clone(tmp_path / "here", key_dir, rendered.plain)
    made = _vigie("notify", str(here.path), "--make-keys", key_dir=key_dir)
    assert made.returncode == 0 and "made" in made.stdout
    there = tmp_path / "there" / "workspace"
    shutil.copytree(here.path, there)
    for ws, index in ((here.path, 1), (there, 2)):
        done = _vigie("notify", str(ws), "--date", DATE, "--jobs", "1", "--shard",
                      f"{index}/2", key_dir=key_dir)  # fmt: skip
        assert done.returncode == 0, done.stderr
    folders = [here.path / "out/notify/shards/issue-01/shard-1-of-2",
               there / "out/notify/shards/issue-01/shard-2-of-2"]  # fmt: skip
    merged = _vigie("notify", str(here.path), "--merge", *map(str, folders), "--json",
                    key_dir=key_dir)  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    assert json.loads(merged.stdout)["persons"] == 300


def test_shard_and_merge_do_not_mix_with_resend(
    rendered: Rendered, tmp_path: Path, isolated_keys: Path
) -> None:
    key_dir = isolated_keys
    ws = rendered.clone(tmp_path / "w", key_dir, rendered.plain)
    for args in (["--shard", "1/2", "--merge"], ["--shard", "1/2", "--resend"]):
        result = _vigie("notify", str(ws.path), *args, key_dir=key_dir)
        assert result.returncode == 4 and "Traceback" not in result.stderr
