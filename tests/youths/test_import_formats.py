"""Files as people have them (issue 18): the same rows saved by LibreOffice as .ods and .xlsx, by
openpyxl, and as CSV (UTF-8 with or without BOM, Windows-1252; `;` or `,`) give the same import; a
wrong value gives the same row-by-row error in every format; an .ods goes through the upload page."""

import datetime
import html
import io
import re
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from binome.accounts.models import Role
from binome.utils.ods import OdsWriter
from binome.youths.imports import import_youths
from binome.youths.models import Youth
from tests import spreadsheets
from tests.spreadsheets import libreoffice_from_csv, needs_libreoffice
from tests.youths.factories import CommuneFactory, TerritoryFactory

HEADER = [
    "Identifiant",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Sexe",
    "Situation juridique",
    "Commune",
    "Niveau scolaire",
]
ROWS = [
    ["A-001", "Martin", "Léa", "12/05/2012", "F", "parents", "44109", "5e"],
    ["A-002", "Haddad", "Yanis", "03/11/2010", "M", "pupille", "Saint-Herblain", "3e"],
    ["A-003", "Nguyễn", "Zoé", "01/02/2011", "F", "délégation", "44109", "4e"],
]
WRONG = ["A-004", "Durand", "Théo", "31/02/2011", "M", "parents", "44109", "4e"]  # no 31 February


@pytest.fixture(autouse=True)
def communes(world):
    nantes = CommuneFactory(insee_code="44109", name="Nantes")
    saint_herblain = CommuneFactory(insee_code="44162", name="Saint-Herblain")
    TerritoryFactory(departement=world["departement"], name="Métropole", communes=[nantes, saint_herblain])


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


def csv_bytes(rows, encoding="utf-8-sig", delimiter=";") -> bytes:
    return spreadsheets.csv_bytes(HEADER, rows, encoding, delimiter)


def openpyxl_bytes(rows) -> bytes:
    """As a CRM export would write it: the dates as real dates, the commune code as a number."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        day, month, year = (int(part) for part in row[3].split("/")) if row[3] != "31/02/2011" else (0, 0, 0)
        cells = list(row)
        if year:
            cells[3] = datetime.date(year, month, day)
        if cells[6].isdigit():
            cells[6] = int(cells[6])
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def libreoffice(rows, fmt: str, tmp_path) -> bytes:
    return libreoffice_from_csv(HEADER, rows, fmt, tmp_path, f"jeunes-{fmt}")


def imported(content: bytes, referrer, name="jeunes") -> tuple:
    report = import_youths(
        SimpleUploadedFile(name, content), organisation=referrer.memberships.get().organisation, by=referrer
    )
    youths = sorted(
        (y.external_id, y.last_name, y.first_name, y.birth_date, y.gender, y.legal_status,
         y.commune.insee_code if y.commune else None, y.school_level.label if y.school_level else None)
        for y in Youth.objects.all()
    )  # fmt: skip
    Youth.objects.all().delete()
    return report.ok, report.created, youths, [(e.row, e.column, e.message) for e in report.errors]


def formats(rows, tmp_path, with_libreoffice=True):
    latin = all(_latin(r) for r in rows)
    made = {
        "csv utf-8": csv_bytes(rows, "utf-8-sig"),
        "csv utf-8 sans BOM": csv_bytes(rows, "utf-8"),
        "csv windows-1252": csv_bytes(rows, "cp1252") if latin else None,
        "csv utf-8 ,": csv_bytes(rows, "utf-8-sig", ","),
        "csv utf-8 sans BOM ,": csv_bytes(rows, "utf-8", ","),
        "csv windows-1252 ,": csv_bytes(rows, "cp1252", ",") if latin else None,
        "xlsx openpyxl": openpyxl_bytes(rows),
    }
    if with_libreoffice:
        made["ods libreoffice"] = libreoffice(rows, "ods", tmp_path)
        made["xlsx libreoffice"] = libreoffice(rows, "xlsx", tmp_path)
    return {name: content for name, content in made.items() if content is not None}


def _latin(row) -> bool:
    try:
        ";".join(row).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def test_every_format_gives_the_same_youths(referrer, tmp_path):
    rows = [ROWS[0], ROWS[1]]
    results = {
        name: imported(content, referrer)
        for name, content in formats(
            rows, tmp_path, with_libreoffice=shutil.which("soffice") is not None
        ).items()
    }
    expected = results.pop("csv utf-8")
    assert expected[:2] == (True, 2)
    assert expected[2][0][:4] == ("A-001", "Martin", "Léa", datetime.date(2012, 5, 12))
    assert expected[2][1][6] == "44162"  # « Saint-Herblain », found by its name
    for name, result in results.items():
        assert result == expected, name


@needs_libreoffice
def test_libreoffice_files_keep_characters_outside_windows_1252(referrer, tmp_path):
    results = {name: imported(content, referrer) for name, content in formats(ROWS, tmp_path).items()}
    expected = results.pop("csv utf-8")
    assert expected[2][2][1] == "Nguyễn"
    for name, result in results.items():
        assert result == expected, name


@needs_libreoffice
def test_a_wrong_value_gives_the_same_error_in_every_format(referrer, tmp_path):
    rows = [ROWS[0], WRONG, ROWS[1]]
    results = {name: imported(content, referrer) for name, content in formats(rows, tmp_path).items()}
    for name, (ok, created, youths, errors) in results.items():
        assert (ok, created, youths) == (False, 0, []), name
        assert errors == [(3, "Date de naissance", "date illisible : attendu JJ/MM/AAAA")], name


def ods_bytes(rows) -> bytes:
    """An .ods as LibreOffice users send it (our own writer: no LibreOffice needed); None is a blank row."""
    book = OdsWriter()
    sheet = book.sheet("Jeunes")
    book.append(sheet, HEADER, bold=True)
    for row in rows:
        book.append(sheet, row or [None])
    return book.save()


def posted(client, content: bytes) -> tuple[int, str]:
    """Post to the import page; the worker runs at once in tests, and its job page answers."""
    response = client.post(reverse("youths:import"), {"file": SimpleUploadedFile("jeunes.ods", content)})
    if response.status_code == 302:
        response = client.get(response["Location"])
    return response.status_code, html.unescape(response.content.decode())


def test_an_ods_goes_through_the_upload_page(referrer, client_for):
    client = client_for(referrer)
    status, text = posted(client, ods_bytes([ROWS[0], None, WRONG]))
    assert "Rien n'a été importé" in text
    assert re.search(r"<td[^>]*>4</td>\s*<td[^>]*>Date de naissance</td>", text), text
    assert not Youth.objects.exists()
    status, text = posted(client, ods_bytes([ROWS[0], None, ROWS[1]]))
    assert status == 200 and "Import réussi" in text
    assert sorted(Youth.objects.values_list("external_id", "commune__insee_code")) == [
        ("A-001", "44109"),
        ("A-002", "44162"),
    ]
