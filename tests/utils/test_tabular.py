"""The one reader of uploaded tables: formats recognised by their bytes, plain values, French
refusals, and memory bounded for any file of at most 10 MB (the bombs are built here)."""

import datetime
import io
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
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


def test_the_shared_upload_field_offers_spreadsheets_and_csv_in_the_file_picker():
    assert 'accept=".xlsx,.ods,.csv,.txt,application/vnd.openxmlformats' in str(
        tabular.TableUploadForm()["file"]
    )


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


def xlsx_by_hand(rows, strings=(), dimension="A1", tail=b"</sheetData></worksheet>", sheets=None) -> bytes:
    """An xlsx written part by part, so that a test can put in it what no spreadsheet would.
    `rows` are <row> elements (bytes); a string given as (byte, count) is written in pieces.
    `sheets` ({name: rows}) replaces the one sheet `Feuil1` by several."""
    sheets = sheets or {"Feuil1": rows}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.replace(
                '<sheet name="Feuil1" sheetId="1" r:id="rId1"/>',
                "".join(
                    f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
                ),
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.replace('Id="rId2"', 'Id="rIdStrings"').replace(
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/worksheet" Target="worksheets/sheet1.xml"/>',
                "".join(
                    f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                    f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, len(sheets) + 1)
                ),
            ),
        )
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
        for i, sheet_rows in enumerate(sheets.values(), 1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                part.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="' + dimension.encode() + b'"/><sheetData>'
                )
                for row in sheet_rows:
                    part.write(row)
                part.write(tail)
    return buffer.getvalue()


_ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:'
    b'tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
    b'<office:spreadsheet><table:table table:name="Feuille1">'
)
_ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def ods_by_hand(body: bytes, pieces=()) -> bytes:
    """`pieces` ((bytes, count), …) follow `body`, written in slices: a 60 MB part without holding it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
            'opendocument.spreadsheet"/></manifest:manifest>',
        )
        with archive.open("content.xml", "w") as part:
            part.write(_ODS_HEAD + body)
            for piece, count in pieces:
                for done in range(0, count, 100_000):
                    part.write(piece * min(100_000, count - done))
            part.write(_ODS_TAIL)
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


def ods_unclosed_rows_bomb():
    """A few KB zipped: as many `<table:table-row>` as an .ods may hold (200,000), none closed, each
    row with a cell. The row regex searched to the end of the file for each row never closed (32,000
    took 117 s): the scan is now linear, and calamine refuses the broken XML."""
    return ods_by_hand(b"", pieces=[(b"<table:table-row><table:table-cell/>", tabular.MAX_ODS_ROW_TAGS)])


def ods_too_many_rows_bomb():
    """A 64 MB content.xml of `<table:table-row/>` (3.7 million): refused by their count."""
    tag = b"<table:table-row/>"
    return ods_by_hand(b"", pieces=[(tag, (tabular.MAX_PART_BYTES - 4096) // len(tag))])


def ods_one_wide_row_bomb():
    """146 KB: one row of 3 million empty cells after a value (686 MB before calamine started: each
    row's body was copied and its cells listed)."""
    return ods_by_hand(
        b"<table:table-row>" + ods_cell(b"a"),
        pieces=[(b"<table:table-cell/>", 3_000_000), (b"</table:table-row>", 1)],
    )


def csv_wide_bomb():
    """7.7 MB: 20,001 rows of 128 two-character fields (2.56 million values; 322 MB held before)."""
    header = ";".join(f"Colonne {i}" for i in range(128)).encode() + b"\n"
    lines = (";".join(f"{(n + i) % 97:02d}" for i in range(128)).encode() + b"\n" for n in range(20_000))
    return header + b"".join(lines)


def csv_association_bomb():
    """The association's Données columns, then 112 more, over 20,000 rows of short texts."""
    from binome.reporting.imports import PAIR_COLUMNS

    header = ";".join([c.header for c in PAIR_COLUMNS] + [f"Autre {i}" for i in range(112)]).encode("utf-8")
    lines = (";".join(f"{(n + i) % 97:02d}" for i in range(128)).encode() + b"\n" for n in range(20_000))
    return header + b"\n" + b"".join(lines)


def wide_sheet(columns, value, rows=20_000):
    """<row> elements of `columns` cells each, the first row holding headers (inline text)."""
    letters = [tabular.column_letter(j + 1) for j in range(len(columns))]
    yield (
        '<row r="1">'
        + "".join(
            f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
            for c, h in zip(letters, columns, strict=True)
        )
        + "</row>"
    ).encode()
    for r in range(2, rows + 1):
        yield (f'<row r="{r}">' + "".join(value(c, r, j) for j, c in enumerate(letters)) + "</row>").encode()


def xlsx_wide_bomb():
    """20,000 rows × 75 columns of short shared texts: 1.5 million values, the most a sheet may have."""
    return xlsx_by_hand(
        wide_sheet(
            [f"Colonne {j}" for j in range(75)],
            lambda c, r, j: f'<c r="{c}{r}" t="s"><v>{(r + j) % 97}</v></c>',
        ),
        strings=[f"{i:02d}".encode() for i in range(97)],
    )


def xlsx_association_bomb():
    """Both tabs of the association's file, 20,000 rows × 75 columns of numbers each (303 MB held
    before), their own columns first."""
    from binome.reporting.imports import MEETING_COLUMNS, PAIR_COLUMNS

    def number(c, r, j):
        return f'<c r="{c}{r}"><v>{r * 100 + j}</v></c>'

    def headers(columns):
        return [c.header for c in columns] + [f"Autre {j}" for j in range(75 - len(columns))]

    return xlsx_by_hand(
        None,
        sheets={
            "Données": wide_sheet(headers(PAIR_COLUMNS), number),
            "Rencontres": wide_sheet(headers(MEETING_COLUMNS), number),
        },
    )


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


# What each bomb gives, through each reader an import uses: a refusal holding the text, "read"
# (read whole) or, for a dict, per reader.
TOO_MANY_VALUES = "plus de 640 000 valeurs"
BOMBS = {
    "column_bomb": (column_bomb, "au-delà de la colonne DX"),
    "shared_string_bomb": (shared_string_bomb, "trop volumineux une fois décompressé"),
    "dimension_bomb": (dimension_bomb, "read"),  # harmless for calamine: read
    "repeated_string_bomb": (repeated_string_bomb, "trop de texte"),
    "far_row_bomb": (far_row_bomb, "de la ligne 25 000"),
    "ods_repeated_cells_bomb": (ods_repeated_cells_bomb, "au-delà de la colonne DX"),
    "ods_repeated_rows_bomb": (ods_repeated_rows_bomb, "au-delà de la ligne 25 000"),
    "ods_far_value_bomb": (ods_far_value_bomb, "au-delà de la ligne 25 000"),
    "ods_long_text_bomb": (ods_long_text_bomb, "texte bien trop long"),
    "ods_unclosed_rows_bomb": (ods_unclosed_rows_bomb, "illisible ou endommagé"),
    "ods_too_many_rows_bomb": (ods_too_many_rows_bomb, "plus de 200 000 lignes"),
    "ods_one_wide_row_bomb": (
        ods_one_wide_row_bomb,
        {"read_rows": "read", "youths": "read", "association": "aucune ligne de données"},
    ),
    "csv_wide_bomb": (csv_wide_bomb, {"read_rows": TOO_MANY_VALUES, "youths": "read", "association": "read"}),
    "csv_association_bomb": (
        csv_association_bomb,
        {"read_rows": TOO_MANY_VALUES, "youths": "read", "association": "read"},
    ),
    "xlsx_wide_bomb": (
        xlsx_wide_bomb,
        {"read_rows": TOO_MANY_VALUES, "youths": "read", "association": "read"},
    ),
    "xlsx_association_bomb": (
        xlsx_association_bomb,
        {"read_rows": TOO_MANY_VALUES, "youths": "read", "association": "read"},
    ),
    "largest_honest_file": (largest_honest_file, "read"),
}

# Django loaded once, as in the worker; then each reader an import uses, in a child forked for it,
# holding what it read (as the import does until every row is valid): `read_rows` keeping every
# column (the honorability results), the youths' import keeping its own, the association's
# `read_workbook` (both tabs). VmHWM: the peak resident memory of the child's own address space,
# Django's pages included; Linux starts it at the child's resident size on fork (ru_maxrss would
# carry the parent's peak over).
MEASURE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from binome.reporting.imports import read_workbook
from binome.utils import tabular
from binome.youths.imports import MAX_ROWS, mapped_columns

def read_rows(source):
    return tabular.read_rows(source, MAX_ROWS)

def youths(source):
    return tabular.read_rows(source, MAX_ROWS, keep=mapped_columns)

def association(source):
    report = tabular.ImportReport()
    sheets = read_workbook(source, report)
    if report.errors:
        raise tabular.ValidationError(report.errors[0].message)
    return sheets

for reader in (read_rows, youths, association):
    sys.stdout.flush()
    if os.fork() == 0:
        try:
            with open(sys.argv[1], "rb") as source:
                held = reader(source)
            outcome = "read"
        except tabular.ValidationError as error:
            outcome = "refused " + error.messages[0]
        with open("/proc/self/status") as status:
            peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        print(reader.__name__, peak_kb // 1024, outcome, flush=True)
        os._exit(0)
    _, status = os.wait()
    assert status == 0, (reader.__name__, status)
"""

LIMIT_MB = 300


@pytest.mark.parametrize("name", list(BOMBS))
def test_any_file_of_10_mb_at_most_is_read_in_under_300_mb(name, tmp_path: Path):
    """Each bomb is built here, written to disk, then read in a fresh process, by each reader an
    import uses, each holding what it read: the peak memory (Django and the interpreter included)
    must stay under 300 MB. The generous timeout bounds the work: a quadratic scan would not end."""
    build, expected = BOMBS[name]
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
    lines = [line.split(" ", 2) for line in result.stdout.strip().splitlines()]
    assert [reader for reader, _, _ in lines] == ["read_rows", "youths", "association"], result.stdout
    for reader, peak_mb, outcome in lines:
        assert int(peak_mb) < LIMIT_MB, (reader, peak_mb, outcome)
        wanted = expected[reader] if isinstance(expected, dict) else expected
        if wanted == "read":
            assert outcome == "read", (reader, outcome)
        else:
            assert outcome.startswith("refused") and wanted in outcome, (reader, outcome)


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


# --- Hostile files: a French refusal, never a 500 (issue 18) ------------------------------------------


def flag_encrypted(content: bytes, name: str) -> bytes:
    """The zip with `name` flagged encrypted (bit 0 of its flags, in both of its headers)."""
    data, encoded = bytearray(content), name.encode()
    for signature, name_length_at, name_at, flags_at in (
        (b"PK\x03\x04", 26, 30, 6),
        (b"PK\x01\x02", 28, 46, 8),
    ):
        found = data.find(signature)
        while found >= 0:
            length = struct.unpack_from("<H", data, found + name_length_at)[0]
            if data[found + name_at : found + name_at + length] == encoded:
                data[found + flags_at] |= 1
            found = data.find(signature, found + 4)
    return bytes(data)


def shift_central_directory(content: bytes) -> bytes:
    """The end record says the central directory starts 1,000 bytes later than it does: zipfile
    then seeks each entry at a negative offset (ValueError, not BadZipFile)."""
    data = bytearray(content)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 16, struct.unpack_from("<I", data, end + 16)[0] + 1000)
    return bytes(data)


def small_ods() -> bytes:
    return ods_by_hand(b"<table:table-row>" + ods_cell(b"a") + b"</table:table-row>")


def corrupt_deflate(content: bytes, name: str) -> bytes:
    """The compressed bytes of `name` overwritten in their middle: zlib fails (or the CRC does)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    data = bytearray(content)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 8] = b"\xff" * 8
    return bytes(data)


HOSTILE = {
    "ods, mimetype flagged encrypted": lambda: flag_encrypted(small_ods(), "mimetype"),
    "xlsx, a sheet flagged encrypted": lambda: flag_encrypted(openpyxl_file(), "xl/worksheets/sheet1.xml"),
    "ods, central directory shifted": lambda: shift_central_directory(small_ods()),
    "xlsx, central directory shifted": lambda: shift_central_directory(openpyxl_file()),
    "xlsx, sheet's deflate data damaged": lambda: corrupt_deflate(
        openpyxl_file(rows=[[f"ligne {i}", i] for i in range(2000)]), "xl/worksheets/sheet1.xml"
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_damaged_or_encrypted_archive_is_refused_in_french(name):
    content = HOSTILE[name]()
    try:
        tabular.check_upload(SimpleUploadedFile("classeur", content))
    except ValidationError as error:
        assert error.messages == [tabular.UNREADABLE]
    assert refusal(content) == tabular.UNREADABLE


def test_a_cell_beyond_dx_whose_tag_never_closes_is_refused():
    content = xlsx_by_hand([b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"'], tail=b"")
    assert "au-delà de la colonne DX" in refusal(content)


def test_a_shared_string_index_beyond_64_bits_is_not_an_overflow():
    # 60,000 cells naming a 1,000-character string pass the cheap bound (60 MB > 48 MB), so each
    # index is read; one holds 25 digits. The others make 59,999 × 1,009 bytes: refused.
    cells = b'<c r="A%d" t="s"><v>0</v></c><c r="B%d" t="s"><v>0</v></c><c r="C%d" t="s"><v>0</v></c>'
    rows = [b'<row r="1"><c r="A1" t="s"><v>' + b"9" * 25 + b"</v></c></row>"]
    rows += [b'<row r="%d">' % i + cells % (i, i, i) + b"</row>" for i in range(2, 20_002)]
    assert "trop de texte" in refusal(xlsx_by_hand(rows, strings=[b"b" * 1000]))


class PanicException(BaseException):
    """As pyo3 raises a Rust panic: not an Exception."""


@pytest.mark.parametrize("where", ["open", "rows"])
def test_a_calamine_panic_is_refused_in_french(monkeypatch, where):
    import python_calamine

    def panic(*args, **kwargs):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    target = "from_filelike" if where == "open" else "get_sheet_by_name"
    monkeypatch.setattr(python_calamine.CalamineWorkbook, target, panic)
    assert refusal(openpyxl_file()) == tabular.UNREADABLE


def test_ctrl_c_while_calamine_reads_is_not_swallowed(monkeypatch):
    import python_calamine

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read(openpyxl_file())


# --- .ods scanned once (issue 18) -------------------------------------------------------------------


def test_ods_rows_never_closed_are_scanned_in_linear_time():
    """20,000 rows never closed: the row regex took about 30 s (8,000: 4.8 s); the single scan
    reads them in a fraction of a second, the generous bound only catches a quadratic scan."""
    part = _ODS_HEAD + b"<table:table-row><table:table-cell/>" * 20_000 + _ODS_TAIL
    started = time.perf_counter()
    tabular._ods_check(part)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "row, refused",
    [
        # a value in column 129 (DY) after 128 empty cells, in a row never closed
        (b"<table:table-row>" + b"<table:table-cell/>" * 128 + ods_cell(b"x"), True),
        (b"<table:table-row>" + b"<table:table-cell/>" * 127 + ods_cell(b"x"), False),
        # text without a value type counts; covered cells take their column
        (
            b'<table:table-row><table:covered-table-cell table:number-columns-repeated="128"/>'
            b"<table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>",
            True,
        ),
        (
            b'<table:table-row><table:table-cell table:number-columns-repeated="127"/>'
            b"<table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>",
            False,
        ),
        # inside a row group, the row is still a row; empty cells far away cost nothing
        (
            b"<table:table-row-group><table:table-row>"
            + ods_cell(b"x")
            + b'<table:table-cell table:number-columns-repeated="16000"/></table:table-row></table:table-row-group>',
            False,
        ),
    ],
)
def test_ods_columns_are_counted_as_calamine_lays_them_out(row, refused):
    part = _ODS_HEAD + row + _ODS_TAIL
    if refused:
        with pytest.raises(ValidationError, match="au-delà de la colonne DX"):
            tabular._ods_check(part)
    else:
        tabular._ods_check(part)


def test_an_ods_of_more_than_1000_tables_is_refused():
    another = b'</table:table><table:table\ttable:name="T">'  # a tab: not only `<table:table ` counts
    tabular._ods_check(_ODS_HEAD + another * 999 + _ODS_TAIL)  # 1,000 tables
    with pytest.raises(ValidationError, match="illisible"):
        tabular._ods_check(_ODS_HEAD + another * 1000 + _ODS_TAIL)


def test_ods_rows_after_a_table_restart_their_count():
    """25,000 valued rows in each of two tables: each table is its own sheet."""
    table = b'<table:table-row table:number-rows-repeated="25000">' + ods_cell(b"x") + b"</table:table-row>"
    second = b'</table:table><table:table table:name="Deux">'
    tabular._ods_check(_ODS_HEAD + table + second + table + _ODS_TAIL)
    with pytest.raises(ValidationError, match="au-delà de la ligne 25 000"):
        tabular._ods_check(_ODS_HEAD + table + table + _ODS_TAIL)


# --- Only the columns an import maps are held (issue 18) ------------------------------------------------


def test_keep_holds_only_the_mapped_columns_at_their_positions():
    text = "Autre;Nom;Encore;Âge\nx;Léa;y;12\nz;;w;\n;Zoé\n"
    with tabular.Workbook(io.BytesIO(text.encode())) as book:
        rows = list(book.rows("CSV", keep=lambda headers: [headers.index("Nom"), headers.index("Âge")]))
    assert rows == [
        (1, ("Autre", "Nom", "Encore", "Âge")),
        (2, (None, "Léa", None, "12")),
        (3, ()),  # values only in columns not kept: still a row of the file, read empty
        (4, (None, "Zoé")),
    ]


def test_a_reader_keeping_every_column_stops_at_640_000_values(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_HELD_VALUES", 10)
    text = "a;b;c\n1;2;3\n4;5;6\n7;8;9\n"  # 3 + 3 + 3 = 9 values, then 12
    assert len(tabular.read_rows(io.BytesIO(text[: text.index("7")].encode()), 100)) == 3
    with pytest.raises(ValidationError, match="plus de 10 valeurs à lire"):
        tabular.read_rows(io.BytesIO(text.encode()), 100)
