"""CSV/TSV reader: encodings, delimiters, quoting, line ends, ragged and undecodable rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ingest.conftest import collect, noop
from vigie.errors import InputError
from vigie.ingest.formats import detect
from vigie.ingest.readers.base import BadRow
from vigie.ingest.readers.delimited import quoted_fields, read_delimited, sniff_delimiter

FRENCH = "Nom;Prénom;Ville\nLefèvre;Éloïse;Saint-Étienne\nCœur;Noël;Besançon 25€\n"
LATIN1 = "Nom;Prénom;Ville\nLefèvre;Éloïse;Saint-Étienne\nGarçon;Noël;Besançon\n"


def _read(path: Path) -> list[tuple[str, list[str], list[Any]]]:
    return collect(detect(path).read(path, noop))


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        (FRENCH, "utf-8", "utf-8"),
        (FRENCH, "utf-8-sig", "utf-8-bom"),
        (FRENCH, "cp1252", "cp1252"),
        (LATIN1, "latin-1", "latin-1"),
        (FRENCH, "utf-16", "utf-16"),
    ],
)
def test_encodings_are_detected_and_values_decoded(
    tmp_path: Path, text: str, encoding: str, label: str
) -> None:
    path = tmp_path / "patients.csv"
    path.write_bytes(text.encode(encoding))
    detected = detect(path)
    assert detected.details["encoding"] == label
    [(name, columns, rows)] = _read(path)
    assert name == "patients"
    assert columns == ["Nom", "Prénom", "Ville"]
    expected = [tuple(line.split(";")) for line in text.splitlines()[1:]]
    assert rows == list(enumerate(expected, start=1))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    lines = [["id", "nom", "adresse"], ["1", "Martin", "2 rue de la Paix, Rennes"]]
    body = "".join(
        delimiter.join(f'"{v}"' if "," in v else v for v in line) + "\n" for line in lines
    )
    path = tmp_path / "f.txt"
    path.write_text(body, encoding="utf-8")
    assert detect(path).details["delimiter"] == delimiter
    [(_, columns, rows)] = _read(path)
    assert columns == lines[0]
    assert rows == [(1, tuple(lines[1]))]


def test_sniffer_prefers_the_consistent_delimiter_over_decimal_commas() -> None:
    text = "nom;taux;ville\nA;1,5;Brest\nB;2,25;Vannes\nC;3;Lorient\n"
    assert sniff_delimiter(text) == ";"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_fields_keep_embedded_newlines_and_cr(tmp_path: Path, newline: str) -> None:
    body = newline.join(["id,note", '1,"ligne 1\r\nligne 2\nfin\r"', '2,"dit ""oui"""', ""])
    path = tmp_path / "notes.csv"
    path.write_bytes(body.encode())
    [(_, _, rows)] = _read(path)
    assert rows == [(1, ("1", "ligne 1\r\nligne 2\nfin\r")), (2, ("2", 'dit "oui"'))]


def test_empty_unquoted_is_null_and_quoted_empty_is_empty_string(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a,b,c,d\n,"",x,\n"",,"",""\n', encoding="utf-8")
    [(_, _, rows)] = _read(path)
    assert rows == [(1, (None, "", "x", None)), (2, ("", None, "", ""))]


def test_ragged_rows_become_bad_rows_with_their_raw_text(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b,c\r\n1,2,3\r\n4,5\r\n6,7,8,9\r\n10,11,12\r\n")
    [(_, _, rows)] = _read(path)
    assert rows[0] == (1, ("1", "2", "3"))
    assert rows[1] == BadRow(2, "2 fields where the header has 3", "4,5\r\n")
    assert rows[2] == BadRow(3, "4 fields where the header has 3", "6,7,8,9\r\n")
    assert rows[3] == (4, ("10", "11", "12"))


def test_undecodable_bytes_become_a_bad_row_not_a_crash(tmp_path: Path) -> None:
    # Valid UTF-8 for the whole detection sample, then one cp1252 byte far below it.
    filler = "".join(f"{i},é\n" for i in range(150_000)).encode()
    path = tmp_path / "f.csv"
    path.write_bytes(b"id,nom\n" + filler + b"x,caf\xe9\n" + b"y,ok\n")
    [(_, _, rows)] = _read(path)
    bad = [r for r in rows if isinstance(r, BadRow)]
    assert len(bad) == 1
    assert bad[0].number == 150_001
    assert "not valid utf-8" in bad[0].reason
    assert bad[0].raw == "x,caf\\xe9\n"
    assert rows[-1] == (150_002, ("y", "ok"))


def test_blank_lines_are_skipped_and_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("\na,b\n\n1,2\n\n3,4", encoding="utf-8")
    assert _read(path)[0][2] == [(1, ("1", "2")), (2, ("3", "4"))]
    path.write_text("a,b\n", encoding="utf-8")
    assert _read(path) == [("f", ["a", "b"], [])]


def test_unclosed_quote_at_the_end_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,2\n3,"jamais fermé\n', encoding="utf-8")
    rows = _read(path)[0][2]
    assert rows[0] == (1, ("1", "2"))
    assert rows[1] == BadRow(
        2, "a quoted field is not closed before the end of the file", '3,"jamais fermé\n'
    )


def test_file_with_only_blank_lines_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header row"):
        collect(read_delimited(path, noop))


@pytest.mark.parametrize(
    ("raw", "flags"),
    [
        ('"",a,\n', [True, False, False]),
        ('a,"b,c",""\r\n', [False, True, True]),
        ('"x""y",,""', [True, False, True]),
    ],
)
def test_quoted_fields(raw: str, flags: list[bool]) -> None:
    assert quoted_fields(raw, ",") == flags


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        (
            "Фамилия;Имя;Город\nИванова;Анна;Москва\nПетров;Пётр;Санкт-Петербург\n",
            "cp1251",
            "cp1251",
        ),
        ("nir;nom\n»;é««\\é««É.\n", "cp1252", "latin-1"),
    ],
)
def test_non_latin_single_byte_text_is_told_apart_from_french(
    tmp_path: Path, text: str, encoding: str, label: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    assert detect(path).details["encoding"] == label
    assert [r[1] for r in _read(path)[0][2]] == [
        tuple(line.split(";")) for line in text.splitlines()[1:]
    ]
