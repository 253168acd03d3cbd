"""Verification codes: random, >= 50 bits, stored only as a keyed hash."""

from __future__ import annotations

import math
from datetime import date

import pytest

from vigie.notify import codes
from vigie.workspace import Workspace


def test_code_carries_at_least_50_random_bits() -> None:
    code = codes.new_code()
    raw = code.replace("-", "")
    assert len(raw) * math.log2(len(codes.ALPHABET)) >= 50
    assert all(c in codes.ALPHABET for c in raw)
    assert len({codes.new_code() for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    ("typed", "same"),
    [
        ("abcd-efgh-jkmn", True),
        ("ABCD EFGH JKMN", True),
        ("ABCDEFGHJKMN", True),
        ("ABCD-EFGH-JKM", False),
        ("ABCD-EFGH-JKM!", False),
    ],
)
def test_normalise_accepts_how_people_type_a_code(typed: str, same: bool) -> None:
    assert (codes.normalise(typed) == "ABCDEFGHJKMN") is same


def test_confusable_letters_read_as_digits() -> None:
    assert codes.normalise("O1IL-0000-0000") == codes.normalise("0111-0000-0000")


def test_verify_accepts_issued_and_rejects_altered(workspace: Workspace) -> None:
    issued = [codes.new_code() for _ in range(20)]
    with workspace.connect() as con:
        secret = codes.load_secret(con, create=True)
        assert secret is not None
        rows = [
            (codes.code_hash(secret, c), f"L01-{i:06d}", "Lab", date(2021, 3, 1))
            for i, c in enumerate(issued)
        ]
        codes.store_codes(con, rows)
        for code in issued:
            found = codes.verify(con, code)
            assert found == codes.Verified("Lab", date(2021, 3, 1))
            for pos in (0, 6, 13):
                wrong = "1" if code[pos] != "1" else "2"
                assert codes.verify(con, code[:pos] + wrong + code[pos + 1 :]) is None
        assert codes.verify(con, "not a code") is None
        stored = con.execute("SELECT * FROM notify_codes").fetchall()
    flat = " ".join(str(v) for row in stored for v in row)
    assert not any(c in flat or c.replace("-", "") in flat for c in issued)


def test_verify_without_any_issue_is_false(workspace: Workspace) -> None:
    with workspace.connect() as con:
        assert codes.verify(con, codes.new_code()) is None
