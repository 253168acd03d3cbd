"""DuckDB running out of its memory limit is a one-line error naming the setting."""

from __future__ import annotations

import duckdb
import pytest

from vigie.cli import OUT_OF_MEMORY, app, main


def test_duckdb_out_of_memory_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    @app.command("sort-too-much", hidden=True)
    def sort_too_much() -> None:
        # a real DuckDB failure: 100 MB of text sorted in 20 MB, with nothing to spill to
        con = duckdb.connect(config={"memory_limit": "20MB", "temp_directory": ""})
        con.execute(
            "SELECT count(*) FROM (SELECT md5(CAST(i AS VARCHAR)) || md5(CAST(-i AS VARCHAR)) "
            "AS v FROM range(1500000) t(i) ORDER BY v)"
        ).fetchall()

    try:
        with pytest.raises(SystemExit) as stopped:
            main(["sort-too-much"])
    finally:
        app.commands.pop("sort-too-much")
    assert stopped.value.code == 4
    err = capsys.readouterr().err
    assert err == f"vigie: error: {OUT_OF_MEMORY}\n"
    assert "Traceback" not in err and "VIGIE_MEMORY" in err


def test_other_duckdb_failures_are_not_taken_for_memory() -> None:
    @app.command("bad-sql", hidden=True)
    def bad_sql() -> None:
        duckdb.connect().execute("SELECT no_such_column")

    try:
        with pytest.raises(duckdb.BinderException):
            main(["bad-sql"])
    finally:
        app.commands.pop("bad-sql")
