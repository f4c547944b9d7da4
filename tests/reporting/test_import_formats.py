"""An association's figures as people have them (issue 18): the same `Données` rows saved by LibreOffice
as .ods and .xlsx, by openpyxl, and as CSV (UTF-8 with or without BOM, Windows-1252; `;` or `,`) give
the same import; a wrong value gives the same row-by-row error in every format. An .ods goes through
the upload page and the `import_report` command like an .xlsx."""

import datetime
import io
import shutil

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import Workbook

from binome.reporting.imports import MEETING_COLUMNS, PAIR_COLUMNS, import_file
from binome.reporting.models import ImportJob, ImportStatus, ReportedMeetings, ReportedPair
from binome.utils.ods import OdsWriter
from tests import spreadsheets
from tests.reporting.test_imports import page, pair_row, setup  # noqa: F401 — `setup` is a fixture
from tests.spreadsheets import every_format, libreoffice_from_csv

TODAY = "2026-04-02 10:00"
HEADERS = [c.header for c in PAIR_COLUMNS]
CLOSED = {
    "Date de fin": datetime.date(2026, 1, 30),
    "État": "Clôturé",
    "Motif de clôture": "Déménagement ou changement de lieu d'accueil",
    "Objectif atteint": "Oui",
    "Modalité": "À distance",
}


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def csv_bytes(rows, encoding="utf-8-sig", delimiter=";") -> bytes:
    """The `Données` tab as a CRM writes it; a None row is a blank line."""
    return spreadsheets.csv_bytes(
        HEADERS, [[as_text(v) for v in row] if row else [] for row in rows], encoding, delimiter
    )


def openpyxl_bytes(rows) -> bytes:
    """Dates and years as typed cells, as Excel keeps them; a text date that is no date stays text."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row or [], start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def libreoffice(rows, fmt: str, tmp_path) -> bytes:
    return libreoffice_from_csv(
        HEADERS, [[as_text(v) for v in row] if row else [] for row in rows], fmt, tmp_path
    )


def formats(rows, tmp_path) -> dict[str, bytes]:
    return every_format(
        rows, tmp_path, csv_for=csv_bytes, openpyxl_for=openpyxl_bytes, libreoffice_for=libreoffice
    )


def imported(content: bytes, setup) -> tuple:  # noqa: F811
    """The report, the counts and the pairs written, then undone so the next format starts afresh."""
    with freeze_time(TODAY), transaction.atomic():
        report, counts = import_file(
            SimpleUploadedFile("donnees", content),
            association=setup["association"],
            departement=setup["departement"],
        )
        pairs = sorted(
            (p.external_id, p.youth_external_id, p.birth_year, p.gender, p.school_level.code, p.care_measure.code,
             p.territory.name, p.objective.code, p.modality, p.started_on, p.ended_on, p.state, p.closure_reason,
             p.objective_reached, p.is_renewal)
            for p in ReportedPair.objects.select_related("school_level", "care_measure", "territory", "objective")
        )  # fmt: skip
        transaction.set_rollback(True)
    return report.ok, counts, [(e.row, e.column, e.message) for e in report.errors], pairs


def test_every_format_gives_the_same_pairs(setup, tmp_path):  # noqa: F811
    rows = [pair_row(1), pair_row(2, CLOSED), pair_row(3, {"Reconduction": "Oui"})]
    results = {name: imported(content, setup) for name, content in formats(rows, tmp_path).items()}
    expected = results.pop("csv utf-8 BOM ;")
    assert expected[0] is True, expected[2]
    assert (expected[1]["pairs_created"], expected[1]["pairs_updated"]) == (3, 0)
    assert expected[3][1] == (
        "B-00002", "J-00002", 2012, "x", "4e", "placement_judiciaire", "Métropole", "school_support", "remote",
        datetime.date(2025, 9, 3), datetime.date(2026, 1, 30), "closed", "move", True, False,
    )  # fmt: skip
    assert expected[3][2][-1] is True  # the third pair renews an earlier one
    for name, result in results.items():
        assert result == expected, name
    if shutil.which("soffice"):
        assert {"ods libreoffice", "xlsx libreoffice"} <= set(results)


def test_a_wrong_value_gives_the_same_error_and_row_in_every_format(setup, tmp_path):  # noqa: F811
    # A blank line 3 stays in the count: the wrong rows are the spreadsheet's lines 4 and 5.
    rows = [
        pair_row(1),
        None,
        pair_row(2, {"Genre": "Licorne"}),
        pair_row(3, {"Date de début": "31/02/2026"}),
    ]
    results = {name: imported(content, setup) for name, content in formats(rows, tmp_path).items()}
    for name, (ok, _, errors, pairs) in results.items():
        assert (ok, pairs) == (False, []), name
        assert errors == [
            (4, "Genre", "attendu : F, M ou X (Fille / femme, Garçon / homme, Autre)"),
            (5, "Date de début", "date illisible : attendu JJ/MM/AAAA"),
        ], name


# --- An .ods through the page and the command ---------------------------------------------------------


def ods_workbook(pairs, meetings) -> bytes:
    """A two-tab .ods as LibreOffice users send it (written by our own writer: no LibreOffice needed)."""
    book = OdsWriter()
    data = book.sheet("Données")
    book.append(data, HEADERS, bold=True)
    for row in pairs:
        book.append(data, row)
    sheet = book.sheet("Rencontres")
    book.append(sheet, [c.header for c in MEETING_COLUMNS], bold=True)
    for row in meetings:
        book.append(sheet, row)
    return book.save()


def test_an_ods_goes_through_the_upload_page(setup, client_for):  # noqa: F811
    client = client_for(setup["manager"])
    content = ods_workbook([pair_row(1), pair_row(2)], [["B-00001", "2026-02", 3, 0]])
    with freeze_time(TODAY):
        response = client.post(
            reverse("reporting:import_start"),
            {"file": SimpleUploadedFile("suivi.ods", content), "departement": str(setup["departement"].pk)},
        )
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("reporting:import_job", kwargs={"job_id": job.pk})
        preview = page(client.get(response["Location"]))
        assert "Vérifié : prêt à importer" in preview
        assert '<td data-label="À créer">2</td>' in preview
        client.post(reverse("reporting:import_confirm", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert sorted(ReportedPair.objects.values_list("external_id", flat=True)) == ["B-00001", "B-00002"]
    assert ReportedMeetings.objects.get().in_person == 3


def test_an_ods_with_a_wrong_value_is_refused_on_the_upload_page_by_row(setup, client_for):  # noqa: F811
    client = client_for(setup["manager"])
    content = ods_workbook([pair_row(1), [None], pair_row(2, {"Genre": "Licorne"})], [])
    with freeze_time(TODAY):
        client.post(
            reverse("reporting:import_start"),
            {"file": SimpleUploadedFile("suivi.ods", content), "departement": str(setup["departement"].pk)},
        )
        text = page(
            client.get(reverse("reporting:import_job", kwargs={"job_id": ImportJob.objects.get().pk}))
        )
    assert "Rien n'a été importé : 1 erreur." in text
    assert '<td data-label="Ligne">4</td><td data-label="Colonne">Genre</td>' in text
    assert not ReportedPair.objects.exists()


def test_the_command_imports_an_ods(setup, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "suivi.ods"
    path.write_bytes(ods_workbook([pair_row(1), pair_row(2), pair_row(3)], [["B-00003", "2026-03", 1, 2]]))
    with freeze_time(TODAY):
        call_command("import_report", "--association", "association-a", str(path))
    assert "Import réussi : 3 binômes créés, aucun binôme mis à jour" in capsys.readouterr().out
    assert ReportedMeetings.objects.get().pair.external_id == "B-00003"
