"""The fast xlsx reader gives the values openpyxl gives, for what Excel, LibreOffice and openpyxl write."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from binome.reporting import xlsx

ROWS = [
    ["Identifiant", "Nombre", "Décimal", "Date", "Booléen", "Vide puis texte", None, "Fin"],
    ["A-1", 12, 1.5, datetime.date(2026, 3, 1), True, None, None, "x"],
    ["=1+1 en texte", -3, 1e-7, datetime.datetime(2025, 12, 31, 14, 30), False, "é à ç « »", None, None],
    [None, None, None, None, None, None, None, None],  # a blank row
    ["007", 2011, 10**12, None, None, "  espaces  ", 0, "fin"],
]


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def normal_book():
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    for row in ROWS:
        sheet.append(row)
    sheet["D2"].number_format = "DD/MM/YYYY"
    sheet["F2"] = CellRichText("début ", TextBlock(InlineFont(b=True), "gras"))
    book.create_sheet("Rencontres").append(["B-1", "2026-03", 2, 0])
    return save(book)


def write_only_book():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Données")
    for row in ROWS:
        sheet.append(row)
    return save(book)


def openpyxl_rows(content, name):
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = []
    for number, values in enumerate(book[name].iter_rows(values_only=True), start=1):
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((number, tuple(values)))
    book.close()
    return rows


def ours(content, name):
    with xlsx.Workbook(io.BytesIO(content)) as book:
        return [(n, tuple(v)) for n, v in book.rows(name)]


@pytest.mark.parametrize("make", [normal_book, write_only_book])
def test_the_reader_agrees_with_openpyxl(make):
    content = make()
    expected = openpyxl_rows(content, "Données")
    got = ours(content, "Données")
    assert [n for n, _ in got] == [n for n, _ in expected]
    for (_, mine), (_, theirs) in zip(got, expected, strict=True):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs, strict=True):
            assert a == b or str(a) == str(b), (a, b)


def test_sheets_are_found_by_name_and_dates_read_as_dates():
    content = normal_book()
    with xlsx.Workbook(io.BytesIO(content)) as book:
        assert book.sheet_names == ["Données", "Rencontres"]
        rows = dict(book.rows("Données"))
        assert rows[2][3] == datetime.datetime(2026, 3, 1)
        assert rows[2][5] == "début gras"
        assert rows[5][0] == "007" and rows[5][1] == 2011 and isinstance(rows[5][1], int)
        assert list(book.rows("Rencontres")) == [(1, ("B-1", "2026-03", 2, 0))]


def test_a_limit_stops_reading():
    with xlsx.Workbook(io.BytesIO(normal_book())) as book:
        assert len(list(book.rows("Données", limit=2))) == 2


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(xlsx.XlsxError):
        xlsx.Workbook(io.BytesIO(b"PK\x03\x04 not really"))
    with pytest.raises(xlsx.XlsxError):
        xlsx.Workbook(io.BytesIO(b"plain text"))


def test_a_part_declaring_entities_is_refused():
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(normal_book()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data
            target.writestr(item, data)
    with pytest.raises(xlsx.XlsxError, match="DTD"):
        xlsx.Workbook(io.BytesIO(bomb.getvalue()))
