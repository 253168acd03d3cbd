"""XLSX and ODS: a table per sheet, values as a person sees them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from tests.ingest.conftest import collect, noop
from vigie.ingest.formats import detect
from vigie.ingest.readers.base import BadRow
from vigie.ingest.readers.spreadsheet import cell_text

HEADER = ["nir", "nom", "age", "taux", "prelevement", "heure", "actif", "note"]
ROW = ["0123", "Lefèvre", 42, 1.5, dt.date(2019, 2, 5), dt.datetime(2019, 2, 5, 8, 30), True, None]
EXPECTED = ("0123", "Lefèvre", "42", "1.5", "2019-02-05", "2019-02-05 08:30:00", "TRUE", None)


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, stamp)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()


def write_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                tr.addElement(_ods_cell(TableCell, P, value))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _ods_cell(cell_cls: Any, p_cls: Any, value: Any) -> Any:
    if value is None:
        return cell_cls()
    if isinstance(value, bool):
        cell = cell_cls(valuetype="boolean", booleanvalue="true" if value else "false")
    elif isinstance(value, dt.date):  # datetime too
        cell = cell_cls(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, int | float):
        cell = cell_cls(valuetype="float", value=str(value))
    else:
        cell = cell_cls(valuetype="string")
    cell.addElement(p_cls(text=str(value)))
    return cell


@pytest.mark.parametrize(("suffix", "writer"), [(".xlsx", write_xlsx), (".ods", write_ods)])
def test_workbook_values_read_as_a_person_sees_them(
    tmp_path: Path, suffix: str, writer: Any
) -> None:
    path = tmp_path / f"labo{suffix}"
    writer(path, {"Patients": [HEADER, ROW], "Vide": [], "Examens": [["id"], [7], [], [8]]})
    assert detect(path).format == suffix[1:]
    tables = collect(detect(path).read(path, noop))
    assert [t[0] for t in tables] == ["Patients", "Examens"]
    assert tables[0][1] == HEADER
    assert tables[0][2] == [(1, EXPECTED)]
    # The empty row is skipped but keeps its place in the numbering.
    assert tables[1][2] == [(1, ("7",)), (3, ("8",))]


def test_cells_beyond_the_header_make_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    write_xlsx(path, {"S": [["a", "b"], ["1", "2"], ["3", "4", "extra"]]})
    [(_, columns, rows)] = collect(detect(path).read(path, noop))
    assert columns == ["a", "b"]
    assert rows[0] == (1, ("1", "2"))
    assert isinstance(rows[1], BadRow)
    assert rows[1].reason == "3 fields where the header has 2"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (12.0, "12"),
        (-3.0, "-3"),
        (0.1, "0.1"),
        ("007", "007"),
        ("", None),
        (None, None),
        (False, "FALSE"),
        (dt.time(8, 5), "08:05:00"),
        (1e20, "1e+20"),
    ],
)
def test_cell_text(cell: Any, text: str | None) -> None:
    assert cell_text(cell) == text


FIXTURES = Path(__file__).parent.parent / "fixtures" / "sheets"


def test_ods_made_by_libreoffice_keeps_tabs_spaces_and_paragraphs() -> None:
    # Made by scripts/make_ods_fixture.sh with real LibreOffice; python-calamine read
    # "Colonne<tab>décalée" as "Colonnedécalée" and joined the two paragraphs.
    path = FIXTURES / "texte_exact.ods"
    [(name, columns, rows)] = collect(detect(path).read(path, noop))
    assert (name, columns) == ("texte_exact", ["id", "commentaire", "naissance", "actif"])
    assert rows == [
        (1, ("7", "Colonne\tdécalée", "1984-03-09", "TRUE")),
        (2, ("8.5", "a   b\nc", None, "12")),
    ]


def test_ods_markup_for_characters_becomes_those_characters(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import LineBreak, P, S, Tab

    doc = OpenDocumentSpreadsheet()
    table = Table(name="S")
    for text in ("note", None):
        row, cell = TableRow(), TableCell(valuetype="string")
        para = P(text=text or "a")
        if text is None:
            for part in (Tab(), S(c=3), LineBreak()):
                para.addElement(part)
        cell.addElement(para)
        row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "s.ods"))
    [(_, _, rows)] = collect(detect(tmp_path / "s.ods").read(tmp_path / "s.ods", noop))
    assert rows == [(1, ("a\t   \n",))]
