"""The one reader of uploaded tables: formats recognised by their bytes, plain values, French
refusals, and memory bounded for any file of at most 10 MB (the bombs are built here)."""

import datetime
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook as OpenpyxlWorkbook

from binome.utils import tabular

ROWS = [
    ["Identifiant", "Nombre", "Décimal", "Date", "Booléen", "Vide puis texte", None, "Fin"],
    ["A-1", 12, 1.5, datetime.date(2026, 3, 1), True, None, None, "x"],
    ["=1+1 en texte", -3, 1e-7, datetime.datetime(2025, 12, 31, 14, 30), False, "é à ç « »", None, None],
    [None, None, None, None, None, None, None, None],  # a blank row: left out, numbering kept
    ["007", 2011, 10**12, None, None, "  espaces  ", 0, "fin"],
]


def openpyxl_file(rows=ROWS, write_only=False) -> bytes:
    book = OpenpyxlWorkbook(write_only=write_only)
    sheet = book.create_sheet("Données") if write_only else book.active
    if not write_only:
        sheet.title = "Données"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(content: bytes, sheet=None):
    with tabular.Workbook(io.BytesIO(content)) as book:
        return list(book.rows(sheet or book.sheet_names[0]))


def refusal(content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        read(content)
    return caught.value.messages[0]


@pytest.mark.parametrize("write_only", [False, True])
def test_an_openpyxl_workbook_reads_as_plain_values(write_only):
    rows = read(openpyxl_file(write_only=write_only))
    assert [number for number, _ in rows] == [1, 2, 3, 5]
    assert rows[1][1] == ("A-1", 12, 1.5, datetime.date(2026, 3, 1), True, None, None, "x")
    # openpyxl stores "=1+1 en texte" as a formula it never computed: no value, as Excel would say
    assert rows[2][1][:2] == (None, -3) and rows[2][1][5] == "é à ç « »"
    assert rows[2][1][3] == datetime.datetime(2025, 12, 31, 14, 30)
    assert rows[3][1] == ("007", 2011, 10**12, None, None, "  espaces  ", 0, "fin")


def test_a_csv_in_utf8_with_bom_and_in_windows_1252_read_the_same():
    text = "Nom;Prénom;Né le\nDurand;Léa;03/02/2011\n\n;Zoé;\n"
    expected = [
        (1, ("Nom", "Prénom", "Né le")),
        (2, ("Durand", "Léa", "03/02/2011")),
        (4, (None, "Zoé")),
    ]
    assert read(text.encode("utf-8-sig")) == expected
    assert read(text.encode("utf-8")) == expected
    assert read(text.encode("cp1252")) == expected
    assert read(text.replace(";", ",").encode("utf-8")) == expected


def test_the_format_comes_from_the_bytes_not_the_name():
    content = openpyxl_file()
    for name in ("export.csv", "export.txt", "export"):
        upload = io.BytesIO(content)
        upload.name = name
        assert tabular.sniff(upload) == tabular.XLSX
    assert tabular.sniff(io.BytesIO(b"a;b\n1;2\n")) == tabular.CSV


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary\xff\xfe" * 100, "n'est pas un tableau lisible"),
        (b"%PDF-1.7\n\x00\x00\x00 stream", "n'est pas un tableau lisible"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Les classeurs .xls"),
        (b"PK\x03\x04 not a real zip", "illisible ou endommagé"),
        (b"", "Le fichier est vide."),
    ],
)
def test_anything_else_is_refused_in_french(content, message):
    assert message in refusal(content)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "n'est pas un classeur" in refusal(buffer.getvalue())


def test_a_file_over_10_mb_is_refused():
    assert "dépasse 10 Mo" in refusal(b"a;b\n" * (3 * 1024 * 1024))


def test_a_csv_line_of_thousands_of_fields_is_refused_before_it_is_split():
    assert "illisible" in refusal(b"a;b\n" + b"x;" * 100_000 + b"\n")


def test_the_dates_typed_as_french_text_still_parse():
    assert tabular.parse_date("03/02/2011") == datetime.date(2011, 2, 3)
    assert tabular.parse_date(datetime.datetime(2011, 2, 3, 10)) == datetime.date(2011, 2, 3)
    with pytest.raises(ValidationError):
        tabular.parse_date("2011/31/12")


# --- Bombs ----------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
    'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
    'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def xlsx_by_hand(rows, strings=(), dimension="A1") -> bytes:
    """An xlsx written part by part, so that a test can put in it what no spreadsheet would.
    `rows` are <row> elements (bytes); a string given as (byte, count) is written in pieces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for string in strings:
                part.write(b"<si><t>")
                if isinstance(string, tuple):
                    byte, count = string
                    for _ in range(count // 1_000_000):
                        part.write(byte * 1_000_000)
                else:
                    part.write(string)
                part.write(b"</t></si>")
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="' + dimension.encode() + b'"/><sheetData>'
            )
            for row in rows:
                part.write(row)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


_ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:'
    b'tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
    b'<office:spreadsheet><table:table table:name="Feuille1">'
)
_ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def ods_by_hand(body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
            'opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr("content.xml", _ODS_HEAD + body + _ODS_TAIL)
    return buffer.getvalue()


def ods_cell(text: bytes, repeat=1) -> bytes:
    attribute = b' table:number-columns-repeated="%d"' % repeat if repeat > 1 else b""
    return (
        b'<table:table-cell office:value-type="string"'
        + attribute
        + b"><text:p>"
        + text
        + b"</text:p></table:table-cell>"
    )


def column_bomb():
    """18 KB: 2,000 rows each holding a cell in column XFD (issue 12: 402 MB before)."""
    return xlsx_by_hand(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c><c r="XFD{i}"><v>1</v></c></row>'.encode()
        for i in range(1, 2001)
    )


def shared_string_bomb():
    """~200 KB holding one 200 MB shared string (557 MB before)."""
    return xlsx_by_hand([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], strings=[(b"a", 200_000_000)])


def dimension_bomb():
    """7 KB declaring A1:XFD1048576 (the youth import padded every row to it: 145 MB before)."""
    return xlsx_by_hand(
        [
            f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><v>2</v></c></row>'.encode()
            for i in range(1, 500)
        ],
        dimension="A1:XFD1048576",
    )


def repeated_string_bomb():
    """A 1,000-character shared string in 400,000 cells: copied once per cell by the reader."""
    cells = "".join(f'<c r="{chr(65 + j)}{{i}}" t="s"><v>0</v></c>' for j in range(20))
    return xlsx_by_hand(
        [f'<row r="{i}">{cells.format(i=i)}</row>'.encode() for i in range(1, 20001)], strings=[b"b" * 1000]
    )


def far_row_bomb():
    return xlsx_by_hand(
        [
            b'<row r="1"><c r="A1"><v>1</v></c><c r="BL1"><v>1</v></c></row>',
            b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
        ]
    )


def ods_repeated_cells_bomb():
    return ods_by_hand(
        b"".join(
            b"<table:table-row>" + ods_cell(b"x") + ods_cell(b"1", repeat=16000) + b"</table:table-row>"
            for _ in range(2000)
        )
    )


def ods_repeated_rows_bomb():
    return ods_by_hand(
        b'<table:table-row table:number-rows-repeated="1000000">'
        + ods_cell(b"x") * 60
        + b"</table:table-row>"
    )


def ods_far_value_bomb():
    """Empty rows and cells are free in .ods, but calamine lays out everything up to the last value."""
    return ods_by_hand(
        b"<table:table-row>"
        + ods_cell(b"a")
        + b"</table:table-row>"
        + b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100"/></table:table-row>'
        + b"<table:table-row>"
        + b'<table:table-cell table:number-columns-repeated="100"/>'
        + ods_cell(b"z")
        + b"</table:table-row>"
    )


def ods_long_text_bomb():
    return ods_by_hand(b"<table:table-row>" + ods_cell(b"a" * 50_000_000) + b"</table:table-row>")


def largest_honest_file():
    """The heaviest file an import accepts: 20,000 rows of 16 filled columns (text, numbers, dates)."""
    book = OpenpyxlWorkbook(write_only=True)
    sheet = book.create_sheet("Données")
    sheet.append([f"Colonne {i}" for i in range(16)])
    day = datetime.date(2025, 1, 1)
    for n in range(20_000):
        sheet.append([f"CRM-{n:06d}", f"JEUNE-{n:06d}", 2011, "Fille / femme", "6e", "AED", "Nord", "Scolarité",
                      "Mixte", f"M-{n}", day, None, "En cours", None, "Oui", "Non"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BOMBS = {
    "column_bomb": (column_bomb, "au-delà de la colonne DX"),
    "shared_string_bomb": (shared_string_bomb, "trop volumineux une fois décompressé"),
    "dimension_bomb": (dimension_bomb, None),  # harmless for calamine: read
    "repeated_string_bomb": (repeated_string_bomb, "trop de texte"),
    "far_row_bomb": (far_row_bomb, "de la ligne 25 000"),
    "ods_repeated_cells_bomb": (ods_repeated_cells_bomb, "au-delà de la colonne DX"),
    "ods_repeated_rows_bomb": (ods_repeated_rows_bomb, "au-delà de la ligne 25 000"),
    "ods_far_value_bomb": (ods_far_value_bomb, "au-delà de la ligne 25 000"),
    "ods_long_text_bomb": (ods_long_text_bomb, "texte bien trop long"),
    "largest_honest_file": (largest_honest_file, None),
}

# VmHWM: the peak resident memory of this process's own address space. (ru_maxrss would also
# count the parent's: Linux carries it over the fork and exec that start the process.)
MEASURE = """
import sys
from binome.utils import tabular
try:
    with open(sys.argv[1], "rb") as source, tabular.Workbook(source) as book:
        rows = sum(1 for name in book.sheet_names for _ in book.rows(name, limit=20_002))
    outcome = f"read {rows}"
except tabular.ValidationError as error:
    outcome = "refused " + error.messages[0]
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak_kb // 1024, outcome)
"""

LIMIT_MB = 300


@pytest.mark.parametrize("name", list(BOMBS))
def test_any_file_of_10_mb_at_most_is_read_in_under_300_mb(name, tmp_path: Path):
    """Each bomb is built here, written to disk, then read in a fresh process whose peak memory
    (the whole interpreter included) must stay under 300 MB."""
    build, refused_with = BOMBS[name]
    content = build()
    assert len(content) <= tabular.MAX_BYTES
    path = tmp_path / name
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    peak_mb, outcome = result.stdout.strip().split(" ", 1)
    assert int(peak_mb) < LIMIT_MB, (name, peak_mb, outcome)
    if refused_with:
        assert outcome.startswith("refused") and refused_with in outcome, outcome
    else:
        assert outcome.startswith("read"), outcome


def test_the_honest_file_is_read_whole():
    rows = read(largest_honest_file())
    assert len(rows) == 20_001
    assert rows[-1][1][:3] == ("CRM-019999", "JEUNE-019999", 2011)
    assert rows[-1][1][10] == datetime.date(2025, 1, 1)


def test_formatting_far_away_without_a_value_is_not_refused():
    content = xlsx_by_hand(
        [
            b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row><row r="900000"><c r="A900000" s="1"/></row>'
        ]
    )
    assert read(content) == [(1, (1,))]


def test_ods_empty_repeats_as_libreoffice_writes_them_are_read():
    content = ods_by_hand(
        b"<table:table-row>"
        + ods_cell(b"a")
        + b'<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        + b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    assert read(content) == [(1, ("a",))]
