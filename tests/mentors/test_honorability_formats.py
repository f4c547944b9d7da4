"""Honorability results as people have them (issue 18): the same rows saved by LibreOffice as .ods and
.xlsx, by openpyxl, and as CSV (UTF-8 with or without BOM, Windows-1252; `;` or `,`) give the same
import; a wrong value gives the same row-by-row error in every format. The export also comes as
.ods, with the « conforme / non conforme » drop-down, and what LibreOffice saves of it imports back."""

import contextlib
import datetime
import html
import io
import re
import shutil
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from binome.accounts.models import Role
from binome.mentors.honorability import EXPORT_HEADERS, import_results
from binome.mentors.models import HonorabilityCheck, MentorStage
from binome.utils.ods import OdsWriter
from binome.utils.tabular import Workbook as Table
from tests import spreadsheets
from tests.mentors.factories import MentorFactory
from tests.spreadsheets import every_format, libreoffice_from_csv, needs_libreoffice, soffice

TODAY = "2026-03-02 10:00"
HEADER = ["Identifiant", "Nom", "Prénom", "Résultat", "Date du résultat"]


@pytest.fixture
def pilot(member):
    return member(Role.PILOT)


@pytest.fixture
def mentors(world):
    """Three trained mentors awaiting their first check, with names a Windows-1252 file can carry."""
    return [
        MentorFactory(
            association=world["association"], vetting=True, trained=True, last_name=last, first_name=first
        )
        for last, first in (("Lefèvre", "Zoé"), ("Garçon", "Noël"), ("Perrin", "Hugo"))
    ]


def rows_for(mentors, results):
    """One row per mentor: identifiant, names, then its (result, date) — a blank list item is a blank line."""
    return [
        [] if item is None else [str(mentor.pk), mentor.last_name, mentor.first_name, *item]
        for mentor, item in zip(mentors, results, strict=True)
    ]


def csv_bytes(rows, encoding="utf-8-sig", delimiter=";") -> bytes:
    return spreadsheets.csv_bytes(HEADER, rows, encoding, delimiter)


def openpyxl_bytes(rows) -> bytes:
    """As Excel keeps a typed date: a real date cell (an unreadable one stays text)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=2):
        cells = list(row)
        if cells and re.fullmatch(r"\d\d/\d\d/\d{4}", cells[4]):
            day, month, year = (int(part) for part in cells[4].split("/"))
            with contextlib.suppress(ValueError):  # 31/02 stays text, as Excel keeps it
                cells[4] = datetime.date(year, month, day)
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def libreoffice(rows, fmt, tmp_path) -> bytes:
    return libreoffice_from_csv(HEADER, rows, fmt, tmp_path, "resultats")


def formats(rows, tmp_path) -> dict[str, bytes]:
    return every_format(
        rows, tmp_path, csv_for=csv_bytes, openpyxl_for=openpyxl_bytes, libreoffice_for=libreoffice
    )


def imported(content: bytes, world, pilot, mentors) -> tuple:
    """The import's report and what it changed, then undone so the next format starts afresh."""
    with freeze_time(TODAY), transaction.atomic():
        report = import_results(
            SimpleUploadedFile("resultats", content), departement=world["departement"], by=pilot
        )
        changed = []
        for mentor in mentors:
            mentor.refresh_from_db()
            check = mentor.checks.first()
            changed.append(
                (mentor.stage, mentor.honorability_valid_until, check and (check.result, check.result_on))
            )
        transaction.set_rollback(True)
    return report.ok, report.updated, [(e.row, e.column, e.message) for e in report.errors], changed


def test_every_format_gives_the_same_results(world, pilot, mentors, tmp_path):
    rows = rows_for(mentors, [("conforme", "01/03/2026"), ("Non conforme", "27/02/2026"), ("", "")])
    results = {
        name: imported(content, world, pilot, mentors) for name, content in formats(rows, tmp_path).items()
    }
    expected = results.pop("csv utf-8 BOM ;")
    assert expected[:3] == (True, 2, [])
    assert [stage for stage, *_ in expected[3]] == [
        MentorStage.READY,
        MentorStage.NOT_RETAINED,
        MentorStage.VETTING,
    ]
    assert expected[3][0][1] == datetime.date(2027, 3, 1)
    assert expected[3][1][2][1] == datetime.date(2026, 2, 27)
    assert expected[3][2][2] is None  # no result: skipped, no check created
    for name, result in results.items():
        assert result == expected, name
    if shutil.which("soffice"):
        assert {"ods libreoffice", "xlsx libreoffice"} <= set(results)


def test_a_wrong_value_gives_the_same_error_and_row_in_every_format(world, pilot, mentors, tmp_path):
    # A blank line 3 stays in the count: the wrong rows are the spreadsheet's lines 4 and 5.
    mentors = [mentors[0], mentors[1], mentors[1], mentors[2]]
    rows = rows_for(
        mentors, [("conforme", "01/03/2026"), None, ("peut-être", "01/03/2026"), ("conforme", "31/02/2026")]
    )
    results = {
        name: imported(content, world, pilot, mentors) for name, content in formats(rows, tmp_path).items()
    }
    for name, (ok, updated, errors, changed) in results.items():
        assert (ok, updated) == (False, 0), name
        assert errors == [
            (4, "Résultat", "attendu « conforme » ou « non conforme »"),
            (5, "Date du résultat", "date illisible : attendu JJ/MM/AAAA"),
        ], name
        assert [stage for stage, *_ in changed] == [MentorStage.VETTING] * 4, name
    assert not HonorabilityCheck.objects.exists()


# --- The export for LibreOffice ---------------------------------------------------------------------


def export(client, fmt):
    return client.get(reverse("mentors:check_export", args=[fmt]))


def table(content: bytes) -> list[tuple]:
    with Table(io.BytesIO(content)) as book:
        return list(book.rows(book.sheet_names[0]))


@freeze_time(TODAY)
def test_the_ods_export_has_the_columns_and_the_drop_down_of_the_xlsx(world, pilot, client_for):
    mentor = MentorFactory(
        association=world["association"], vetting=True, last_name="=1+2", birth_date=datetime.date(1990, 4, 2)
    )
    client = client_for(pilot)
    page = html.unescape(client.get(reverse("mentors:check_list")).content.decode())
    assert (
        f'href="{reverse("mentors:check_export", args=["ods"])}">Exporter pour LibreOffice (.ods)</a>' in page
    )
    response = export(client, "ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == 'attachment; filename="controles-honorabilite-2026-03-02.ods"'
    assert table(response.content) == table(export(client, "xlsx").content)
    rows = table(response.content)
    assert [number for number, _ in rows] == [1, 2]
    [(_, header), (_, row)] = rows
    assert list(header) == EXPORT_HEADERS
    assert row[:5] == (str(mentor.pk), "'=1+2", mentor.first_name, "02/04/1990", mentor.birth_place)
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    assert conditions(content) == ['of:cell-content-is-in-list("conforme";"non conforme")']
    # The drop-down sits on Résultat (9th cell) of the mentor's row, not on the header.
    mentor_row = content.split("<table:table-row>")[2]
    cells = re.findall(r"<table:table-cell[^>]*>", mentor_row)
    assert [i for i, cell in enumerate(cells, start=1) if "content-validation-name" in cell] == [9]
    assert "content-validation-name" not in content.split("<table:table-row>")[1]


def test_the_ods_export_is_for_the_pilot_only(world, member, client_for):
    assert export(client_for(member(Role.MANAGER)), "ods").status_code == 403


def conditions(content_xml: str) -> list[str]:
    """The conditions of the .ods's content validations, as LibreOffice reads them."""
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    root = ElementTree.fromstring(content_xml)  # noqa: S314 — our file, or LibreOffice's save of it
    return [v.get(f"{{{table_ns}}}condition") for v in root.iter(f"{{{table_ns}}}content-validation")]


def fill_first_row(content: bytes, result: str, day: datetime.date) -> bytes:
    """Type a result and its date into the first mentor's row of our .ods, keeping the drop-down."""
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read("content.xml").decode()
    empty = '<table:table-cell table:content-validation-name="val1"/><table:table-cell/>'
    filled = (
        f'<table:table-cell table:content-validation-name="val1" office:value-type="string"><text:p>{result}</text:p>'
        f'</table:table-cell><table:table-cell office:value-type="date" office:date-value="{day.isoformat()}">'
        f"<text:p>{day:%d/%m/%Y}</text:p></table:table-cell>"
    )
    assert empty in xml
    xml = xml.replace(empty, filled, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, xml if info.filename == "content.xml" else source.read(info))
    return buffer.getvalue()


@needs_libreoffice
def test_libreoffice_opens_the_ods_export_and_what_it_saves_imports_unchanged(
    world, pilot, mentors, client_for, tmp_path
):
    with freeze_time(TODAY):
        content = export(client_for(pilot), "ods").content
    ours = tmp_path / "controles.ods"
    ours.write_bytes(fill_first_row(content, "conforme", datetime.date(2026, 3, 1)))
    saved = {"ods": soffice(ours, "ods", tmp_path), "xlsx": soffice(ours, "xlsx", tmp_path)}
    first = table(ours.read_bytes())[1][1]
    assert first[8:10] == ("conforme", datetime.date(2026, 3, 1))
    for fmt, data in saved.items():
        assert table(data) == table(ours.read_bytes()), fmt
    # LibreOffice kept the drop-down in both formats.
    kept = zipfile.ZipFile(io.BytesIO(saved["ods"])).read("content.xml").decode()
    assert conditions(kept) == ['of:cell-content-is-in-list("conforme";"non conforme")']
    [rule] = load_workbook(io.BytesIO(saved["xlsx"])).active.data_validations.dataValidation
    assert (rule.type, rule.formula1) == ("list", '"conforme,non conforme"')
    filled = next(m for m in mentors if str(m.pk) == first[0])
    expected = imported(ours.read_bytes(), world, pilot, mentors)
    assert expected[:3] == (True, 1, [])
    assert [stage for stage, *_ in expected[3]] == [
        MentorStage.READY if m == filled else MentorStage.VETTING for m in mentors
    ]
    for fmt, data in saved.items():
        assert imported(data, world, pilot, mentors) == expected, fmt


@freeze_time(TODAY)
def test_an_ods_posted_to_the_import_page_records_the_results(world, pilot, mentors, client_for):
    book = OdsWriter()
    sheet = book.sheet("Résultats")
    book.append(sheet, HEADER, bold=True)
    book.append(sheet, [str(mentors[0].pk), "Lefèvre", "Zoé", "conforme", datetime.date(2026, 3, 1)])
    book.append(sheet, [None])
    book.append(sheet, [str(mentors[1].pk), "Garçon", "Noël", "non conforme", "31/02/2026"])
    client = client_for(pilot)
    response = client.post(
        reverse("mentors:check_import"), {"file": SimpleUploadedFile("r.ods", book.save())}
    )
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "<td>4</td><td>Date du résultat</td><td>date illisible : attendu JJ/MM/AAAA</td>" in page
    assert not HonorabilityCheck.objects.exists()
    book = OdsWriter()
    sheet = book.sheet("Résultats")
    book.append(sheet, HEADER, bold=True)
    book.append(sheet, [str(mentors[0].pk), "Lefèvre", "Zoé", "conforme", datetime.date(2026, 3, 1)])
    response = client.post(
        reverse("mentors:check_import"), {"file": SimpleUploadedFile("r.ods", book.save())}
    )
    assert response.status_code == 302
    mentors[0].refresh_from_db()
    assert (mentors[0].stage, mentors[0].honorability_valid_until) == (
        MentorStage.READY,
        datetime.date(2027, 3, 1),
    )
