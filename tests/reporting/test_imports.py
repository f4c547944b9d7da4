"""The association import: template with drop-down lists, preview, all or nothing with a French
report by sheet, row and column, idempotent re-import, background job with progress, command."""

import datetime
import html
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.reporting.figures import reported_pair_figures
from binome.reporting.imports import MEETING_COLUMNS, PAIR_COLUMNS, UNCONFIRMED, import_file, sweep_jobs
from binome.reporting.models import ImportJob, ImportStatus, ReportedMeetings, ReportedPair
from binome.steering.indicators import Scope
from binome.steering.periods import Period
from binome.utils import jobs
from binome.utils.tabular import UNREADABLE
from binome.utils.tabular import Workbook as Workbook_
from tests.youths.factories import TerritoryFactory

PAIR_HEADERS = [c.header for c in PAIR_COLUMNS]
MEETING_HEADERS = [c.header for c in MEETING_COLUMNS]
TODAY = "2026-04-02 10:00"


def pair_row(n, changes=None):
    row = {
        "Identifiant binôme": f"B-{n:05d}",
        "Identifiant jeune": f"J-{n:05d}",
        "Année de naissance": 2010 + n % 5,
        "Genre": ["Fille / femme", "Garçon / homme", "X"][n % 3],
        "Niveau scolaire": "4e",
        "Mesure ASE": "Placement judiciaire (assistance éducative)",
        "Territoire": "Métropole",
        "Objectif": "Soutien scolaire",
        "Modalité": "En présentiel",
        "Identifiant mentor": f"M-{n:05d}",
        "Date de début": datetime.date(2025, 9, 1) + datetime.timedelta(days=n % 150),
        "Date de fin": None,
        "État": "En cours",
        "Motif de clôture": None,
        "Objectif atteint": None,
        "Reconduction": "Non",
    }
    row.update(changes or {})
    return [row[h] for h in PAIR_HEADERS]


def meeting_row(n, month="2026-02", in_person=2, remote=1):
    return [f"B-{n:05d}", month, in_person, remote]


def workbook(pairs, meetings=(), name="suivi.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    sheet.append(PAIR_HEADERS)
    for row in pairs:
        sheet.append(row)
    rencontres = book.create_sheet("Rencontres")
    rencontres.append(MEETING_HEADERS)
    for row in meetings:
        rencontres.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def reopen(upload):
    upload.seek(0)
    return upload


@pytest.fixture
def setup(world, member, conventions):
    TerritoryFactory(departement=world["departement"], name="Métropole")
    return {
        "association": world["association"],
        "departement": world["departement"],
        "manager": member(Role.MANAGER),
        "coordinator": member(Role.COORDINATOR),
        "pilot": member(Role.PILOT),
        "other_manager": member(Role.MANAGER, organisation=world["other_association"]),
    }


def run(setup, upload, dry_run=False):
    with freeze_time(TODAY):
        return import_file(
            reopen(upload),
            association=setup["association"],
            departement=setup["departement"],
            dry_run=dry_run,
        )


def page(response):
    return html.unescape(response.content.decode())


# --- Validation and writing ---------------------------------------------------------------------------


def test_a_valid_file_is_previewed_then_imported(setup):
    upload = workbook(
        [pair_row(i) for i in range(1, 4)], [meeting_row(1), meeting_row(2), meeting_row(1, "2026-03")]
    )
    report, counts = run(setup, upload, dry_run=True)
    assert report.ok, report.errors
    assert counts == {
        "pairs_created": 3,
        "pairs_updated": 0,
        "pairs_unchanged": 0,
        "meetings_created": 3,
        "meetings_updated": 0,
        "meetings_unchanged": 0,
    }
    assert not ReportedPair.objects.exists()

    report, counts = run(setup, upload)
    assert counts["pairs_created"] == 3
    pair = ReportedPair.objects.get(external_id="B-00001")
    assert (
        pair.gender,
        pair.school_level.code,
        pair.care_measure.code,
        pair.objective.code,
        pair.territory.name,
    ) == ("m", "4e", "placement_judiciaire", "school_support", "Métropole")
    assert pair.departement == setup["departement"]
    assert ReportedMeetings.objects.filter(pair=pair).count() == 2


def test_importing_the_same_file_again_changes_nothing(setup):
    upload = workbook([pair_row(i) for i in range(1, 51)], [meeting_row(i) for i in range(1, 51)])
    run(setup, upload)
    before = list(ReportedPair.objects.order_by("external_id").values_list("pk", "updated_at", "fingerprint"))
    report, counts = run(setup, upload)
    assert report.ok
    assert counts == {
        "pairs_created": 0,
        "pairs_updated": 0,
        "pairs_unchanged": 50,
        "meetings_created": 0,
        "meetings_updated": 0,
        "meetings_unchanged": 50,
    }
    assert (
        list(ReportedPair.objects.order_by("external_id").values_list("pk", "updated_at", "fingerprint"))
        == before
    )


def test_a_later_file_updates_only_what_changed(setup):
    run(setup, workbook([pair_row(i) for i in range(1, 4)], [meeting_row(1)]))
    closed = pair_row(
        2,
        {
            "État": "Clôturé",
            "Date de fin": datetime.date(2026, 3, 15),
            "Motif de clôture": "Déménagement ou changement de lieu d'accueil",
            "Objectif atteint": "Non",
        },
    )
    report, counts = run(setup, workbook([pair_row(1), closed, pair_row(3)], [meeting_row(1, in_person=4)]))
    assert report.ok, report.errors
    assert (counts["pairs_updated"], counts["pairs_unchanged"], counts["meetings_updated"]) == (1, 2, 1)
    pair = ReportedPair.objects.get(external_id="B-00002")
    assert (pair.state, pair.closure_reason, pair.objective_reached) == ("closed", "move", False)


def test_one_bad_row_among_thousands_changes_nothing_and_is_named(setup):
    rows = [pair_row(i) for i in range(1, 3001)]
    rows[1499] = pair_row(1500, {"Genre": "inconnu"})  # spreadsheet row 1501 (row 1 holds the headers)
    run(setup, workbook([pair_row(1)]))  # something already there, which must stay as it was
    report, counts = run(setup, workbook(rows, [meeting_row(i) for i in range(1, 3001)]))
    assert not report.ok and counts == {}
    assert [(e.row, e.column) for e in report.errors] == [(1501, "Genre")]
    assert "attendu : F, M ou X" in report.errors[0].message
    assert ReportedPair.objects.count() == 1
    assert not ReportedMeetings.objects.exists()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"État": "Clôturé", "Date de fin": datetime.date(2026, 1, 5)},
            "Motif de clôture",
            "obligatoire pour un binôme clôturé",
        ),
        (
            {"État": "Clôturé", "Motif de clôture": "Autre motif"},
            "Date de fin",
            "obligatoire pour un binôme clôturé",
        ),
        ({"Date de fin": datetime.date(2026, 1, 5)}, "Date de fin", "renseignée pour un binôme en cours"),
        ({"Date de début": "31/02/2026"}, "Date de début", "date illisible"),
        ({"Date de début": datetime.date(2026, 5, 1)}, "Date de début", "date à venir"),
        (
            {"Niveau scolaire": "Maternelle"},
            "Niveau scolaire",
            "« Maternelle » ne fait pas partie de la liste des niveaux scolaires",
        ),
        ({"Territoire": "Atlantide"}, "Territoire", "inconnu dans le département"),
        ({"Année de naissance": 1980}, "Année de naissance", "année improbable"),
        # float() reads these as infinity, which int() refused with an OverflowError (a 500).
        ({"Année de naissance": "1e400"}, "Année de naissance", "une année sur 4 chiffres"),
        ({"Année de naissance": "9" * 5000}, "Année de naissance", "une année sur 4 chiffres"),
        ({"Identifiant jeune": None}, "Identifiant jeune", "obligatoire"),
        ({"Reconduction": "peut-être"}, "Reconduction", "Oui ou Non"),
    ],
)
def test_each_rule_names_the_column(setup, changes, column, message):
    report, _ = run(setup, workbook([pair_row(1), pair_row(2, changes)]))
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert message in report.errors[0].message


def test_duplicates_and_inconsistent_youths_are_reported(setup):
    rows = [
        pair_row(1),
        pair_row(1),
        pair_row(3, {"Identifiant jeune": "J-00002", "Année de naissance": 2014}),
        pair_row(2),
    ]
    report, _ = run(setup, workbook(rows))
    found = {(e.row, e.column, e.message) for e in report.errors}
    assert (3, "Identifiant binôme", "déjà présent ligne 2") in found
    assert (
        5,
        "Identifiant jeune",
        "même jeune que ligne 4 mais année de naissance ou genre différents",
    ) in found


def test_meeting_rows_are_checked_with_their_sheet(setup):
    meetings = [
        meeting_row(1),
        meeting_row(9),
        meeting_row(1),
        meeting_row(2, "2024-01"),
        meeting_row(2, "2026-02", in_person="trois"),
    ]
    report, _ = run(setup, workbook([pair_row(1), pair_row(2)], meetings))
    found = {(e.row, e.column, e.message) for e in report.errors}
    assert (
        3,
        "Rencontres › Identifiant binôme",
        "binôme absent de l'onglet Données et jamais importé",
    ) in found
    assert (4, "Rencontres › Mois", "déjà déclaré ligne 2") in found
    assert (5, "Rencontres › Mois", "en dehors des dates du binôme") in found
    assert (6, "Rencontres › Rencontres en présentiel", "attendu : un nombre entier") in found


def test_a_missing_column_and_a_wrong_file_are_reported(setup):
    book = Workbook()
    book.active.title = "Données"
    book.active.append(PAIR_HEADERS[:3])
    book.active.append(["B-1", "J-1", 2012])
    buffer = io.BytesIO()
    book.save(buffer)
    report, _ = run(setup, SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert ("Genre", "colonne absente") in {(e.column, e.message) for e in report.errors}
    report, _ = run(setup, SimpleUploadedFile("a.xlsx", b"PK\x03\x04 a damaged workbook"))
    assert report.errors[0].message == UNREADABLE


def test_real_boolean_cells_read_as_yes_and_no(setup):
    """Excel's TRUE and LibreOffice's VRAI are boolean cells, not the text « True » (issue 19)."""
    closed = {
        "État": "Clôturé",
        "Date de fin": datetime.date(2026, 3, 1),
        "Motif de clôture": "Fin prévue de l'accompagnement",
    }
    upload = workbook(
        [
            pair_row(1, {**closed, "Objectif atteint": True, "Reconduction": False}),
            pair_row(2, {**closed, "Objectif atteint": False, "Reconduction": True}),
        ]
    )
    with Workbook_(reopen(upload)) as book:  # openpyxl wrote real booleans, read back as bool
        assert list(book.rows("Données"))[1][1][-2:] == (True, False)
    report, _ = run(setup, upload)
    assert report.ok, report.errors
    assert dict(ReportedPair.objects.values_list("external_id", "objective_reached")) == {
        "B-00001": True,
        "B-00002": False,
    }
    assert dict(ReportedPair.objects.values_list("external_id", "is_renewal")) == {
        "B-00001": False,
        "B-00002": True,
    }


def test_an_encrypted_or_damaged_upload_answers_422_in_french(setup, client_for):
    """check_upload once let zipfile's RuntimeError and ValueError through: a 500 (issue 19)."""
    from tests.utils.test_tabular import flag_encrypted, shift_central_directory, small_ods

    client = client_for(setup["manager"])
    assert 'accept=".xlsx,.ods,.csv,' in page(client.get(reverse("reporting:import_start")))
    for content in (flag_encrypted(small_ods(), "mimetype"), shift_central_directory(small_ods())):
        response = client.post(
            reverse("reporting:import_start"),
            {"file": SimpleUploadedFile("suivi.ods", content), "departement": str(setup["departement"].pk)},
        )
        assert response.status_code == 422
        assert UNREADABLE in page(response)
    assert not ImportJob.objects.exists()


def test_a_pair_already_reported_for_another_departement_is_refused(setup, world):
    from tests.accounts.factories import ConventionFactory

    ConventionFactory(departement=world["other_departement"], association=world["association"])
    run(setup, workbook([pair_row(1)]))
    with freeze_time(TODAY):
        report, _ = import_file(
            workbook([pair_row(1, {"Territoire": None})]),
            association=world["association"],
            departement=world["other_departement"],
        )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Identifiant binôme", "ce binôme est déclaré pour un autre département")
    ]


def test_imported_pairs_count_in_the_steering_figures(setup):
    closed = pair_row(
        3,
        {
            "État": "Clôturé",
            "Date de fin": datetime.date(2026, 3, 10),
            "Motif de clôture": "Fin prévue de l'accompagnement",
        },
    )
    run(
        setup,
        workbook(
            [
                pair_row(1),
                pair_row(2, {"Reconduction": "Oui", "Date de début": datetime.date(2026, 3, 2)}),
                closed,
            ],
            [meeting_row(1, "2026-03", 3, 1)],
        ),
    )
    figures = reported_pair_figures(Scope(departement=setup["departement"]), Period.month(2026, 3))
    assert figures == {
        "pairs_followed": 3,
        "youths_followed": 3,
        "pairs_started": 1,
        "renewals_started": 1,
        "pairs_closed": 1,
        "closed_lt6": 0,
        "closed_lt12": 1,
        "duration_days_total": (datetime.date(2026, 3, 10) - datetime.date(2025, 9, 4)).days,  # pair_row(3)
        "objective_reached": 0,
        "objective_not_reached": 0,  # « objectif atteint » left empty: neither
        "abandoned": 0,  # a planned end is not a stop of the pair
        "pairs_active_at_end": 2,
        "meetings_in_person": 3,
        "meetings_remote": 1,
    }


# --- The template ---------------------------------------------------------------------------------------


def test_the_template_has_the_tabs_the_lists_and_the_pairs_already_imported(setup, client_for):
    report, _ = run(
        setup, workbook([pair_row(1, {"Identifiant binôme": "-B1+1"})], [["-B1+1", "2026-02", 2, 1]])
    )
    assert report.ok, report.errors
    response = client_for(setup["manager"]).get(reverse("reporting:import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Explications", "Données", "Rencontres", "Paramètres figés"]
    data = book["Données"]
    assert [c.value for c in data[1]] == PAIR_HEADERS
    assert data["A2"].value == "'-B1+1"  # neutralised, and read back as typed
    lists = book["Paramètres figés"]
    columns = {
        lists.cell(1, i).value: [
            lists.cell(r, i).value for r in range(2, lists.max_row + 1) if lists.cell(r, i).value
        ]
        for i in range(1, lists.max_column + 1)
    }
    assert "Seconde" in columns["Niveau scolaire"] and "Métropole" in columns["Territoire"]
    formulas = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert formulas["D2:D20001"] == "='Paramètres figés'!$A$2:$A$4"
    assert any("$B$2" in (f or "") for f in formulas.values())  # school levels
    # What the association downloads imports back unchanged.
    report, counts = run(setup, SimpleUploadedFile("modele.xlsx", response.content))
    assert report.ok, report.errors
    assert counts["pairs_unchanged"] == 1 and counts["meetings_unchanged"] == 1


def test_the_template_also_comes_as_ods_with_the_same_tabs_lists_and_pairs(setup, client_for):
    report, _ = run(
        setup, workbook([pair_row(1, {"Identifiant binôme": "-B1+1"})], [["-B1+1", "2026-02", 2, 1]])
    )
    assert report.ok, report.errors
    response = client_for(setup["manager"]).get(reverse("reporting:import_template") + "?format=ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].endswith('.ods"')
    with Workbook_(io.BytesIO(response.content)) as book:
        assert book.kind == "ods"
        assert book.sheet_names == ["Explications", "Données", "Rencontres", "Paramètres figés"]
        data = list(book.rows("Données"))
        lists = list(book.rows("Paramètres figés"))
    assert list(data[0][1]) == PAIR_HEADERS and data[1][1][0] == "'-B1+1"
    columns = {
        name: [row[1][i] for row in lists[1:] if i < len(row[1]) and row[1][i]]
        for i, name in enumerate(lists[0][1])
    }
    assert "Seconde" in columns["Niveau scolaire"] and "Métropole" in columns["Territoire"]
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    assert "of:cell-content-is-in-list($'Paramètres figés'.$A$2:$A$4)" in content  # Genre
    assert 'table:number-rows-repeated="19999"' in content  # the drop-downs down to row 20,001
    report, counts = run(setup, SimpleUploadedFile("modele.ods", response.content))
    assert report.ok, report.errors
    assert counts["pairs_unchanged"] == 1 and counts["meetings_unchanged"] == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice n'est pas installé")
def test_libreoffice_reads_the_ods_template_and_a_wrong_value_reads_the_same_in_both_formats(setup, tmp_path):
    bad = workbook([pair_row(1), pair_row(2, {"Genre": "Licorne"})], [["CRM-1", "2026-02", "beaucoup", 1]])
    xlsx_path = tmp_path / "suivi.xlsx"
    xlsx_path.write_bytes(reopen(bad).read())
    result = subprocess.run(
        [shutil.which("soffice"), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "ods", "--outdir", str(tmp_path), str(xlsx_path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    from_excel, _ = run(setup, SimpleUploadedFile("suivi.xlsx", xlsx_path.read_bytes()))
    from_libreoffice, _ = run(setup, SimpleUploadedFile("suivi.ods", (tmp_path / "suivi.ods").read_bytes()))
    errors = [(e.row, e.column, e.message) for e in from_excel.errors]
    assert (3, "Genre") in [(e.row, e.column) for e in from_excel.errors]
    assert errors
    assert (2, "Rencontres › Rencontres en présentiel") in [(e.row, e.column) for e in from_excel.errors]
    assert [(e.row, e.column, e.message) for e in from_libreoffice.errors] == errors


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice n'est pas installé")
def test_libreoffice_opens_the_ods_template_and_what_it_saves_imports_unchanged(setup, client_for, tmp_path):
    report, _ = run(setup, workbook([pair_row(1)], [meeting_row(1)]))
    assert report.ok, report.errors
    response = client_for(setup["manager"]).get(reverse("reporting:import_template") + "?format=ods")
    (tmp_path / "modele.ods").write_bytes(response.content)
    result = subprocess.run(
        [shutil.which("soffice"), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "xlsx", "--outdir", str(tmp_path), str(tmp_path / "modele.ods")],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report, counts = run(setup, SimpleUploadedFile("modele.xlsx", (tmp_path / "modele.xlsx").read_bytes()))
    assert report.ok, report.errors
    assert counts["pairs_unchanged"] == 1 and counts["meetings_unchanged"] == 1


# --- Pages and background job ----------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", ["monthly", "quarterly"])
def test_upload_preview_confirm_and_progress(setup, client_for, frequency):
    Convention.objects.filter(association=setup["association"]).update(reporting_frequency=frequency)
    client = client_for(setup["manager"])
    upload = workbook([pair_row(i) for i in range(1, 6)], [meeting_row(1)])
    with freeze_time(TODAY):
        response = client.post(
            reverse("reporting:import_start"), {"file": upload, "departement": str(setup["departement"].pk)}
        )
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("reporting:import_job", kwargs={"job_id": job.pk})
        preview = page(client.get(response["Location"]))
        assert "Vérifié : prêt à importer" in preview and "Confirmer l'import" in preview
        assert '<td data-label="À créer">5</td>' in preview  # pairs to create
        assert not ReportedPair.objects.exists()
        panel = client.get(
            reverse("reporting:import_job_status", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true"
        )
        assert panel.status_code == 200 and "<html" not in panel.content.decode()
        client.post(reverse("reporting:import_confirm", kwargs={"job_id": job.pk}))
        job.refresh_from_db()
        assert (job.status, job.progress) == (ImportStatus.DONE, 100)
        assert not job.file  # the uploaded data is not kept
        assert ReportedPair.objects.count() == 5
        # A second confirmation does nothing.
        client.post(reverse("reporting:import_confirm", kwargs={"job_id": job.pk}))
        assert ReportedPair.objects.count() == 5
        # The same file again: the preview says nothing changes, and offers nothing to confirm.
        client.post(
            reverse("reporting:import_start"),
            {"file": reopen(upload), "departement": str(setup["departement"].pk)},
        )
        again = ImportJob.objects.exclude(pk=job.pk).get()
        text = page(client.get(reverse("reporting:import_job", kwargs={"job_id": again.pk})))
    assert "Ce fichier ne change rien" in text and "Confirmer l'import" not in text


def test_a_running_job_polls_its_status(setup, client_for):
    job = ImportJob.objects.create(
        association=setup["association"],
        departement=setup["departement"],
        original_name="x.xlsx",
        status=ImportStatus.VALIDATING,
        progress=40,
    )
    panel = page(
        client_for(setup["manager"]).get(reverse("reporting:import_job_status", kwargs={"job_id": job.pk}))
    )
    assert 'hx-trigger="every 1s"' in panel
    assert '<progress id="import-progress" max="100" value="40">' in panel


def test_an_invalid_upload_shows_the_report_and_keeps_no_file(setup, client_for):
    client = client_for(setup["manager"])
    with freeze_time(TODAY):
        client.post(
            reverse("reporting:import_start"),
            {"file": workbook([pair_row(1, {"Genre": "?"})]), "departement": str(setup["departement"].pk)},
        )
        job = ImportJob.objects.get()
        text = page(client.get(reverse("reporting:import_job", kwargs={"job_id": job.pk})))
    assert "Rien n'a été importé : 1 erreur." in text
    assert (
        '<td data-label="Onglet">Données</td><td data-label="Ligne">2</td><td data-label="Colonne">Genre</td>'
        in text
    )
    assert not job.file


def test_the_error_table_names_the_sheet_of_each_error(setup, client_for):
    client = client_for(setup["manager"])
    meetings = [meeting_row(1, in_person="trois")]
    with freeze_time(TODAY):
        client.post(
            reverse("reporting:import_start"),
            {
                "file": workbook([pair_row(1, {"Genre": "?"})], meetings),
                "departement": str(setup["departement"].pk),
            },
        )
        job = ImportJob.objects.get()
        text = page(client.get(reverse("reporting:import_job", kwargs={"job_id": job.pk})))
    assert job.errors == [
        [2, "Données", "Genre", job.errors[0][3]],
        [2, "Rencontres", "Rencontres en présentiel", "attendu : un nombre entier"],
    ]
    assert '<th scope="col">Onglet</th><th scope="col">Ligne</th>' in text
    assert (
        '<td data-label="Onglet">Rencontres</td><td data-label="Ligne">2</td>'
        '<td data-label="Colonne">Rencontres en présentiel</td>'
    ) in text
    assert "›" not in text.split("<caption>Erreurs")[1]


def test_errors_stored_before_the_sheet_column_still_show(setup, client_for):
    job = ImportJob.objects.create(
        association=setup["association"],
        departement=setup["departement"],
        original_name="x.xlsx",
        status=ImportStatus.INVALID,
        errors=[
            [0, "", "Le fichier ne contient aucune ligne de données."],
            [3, "Rencontres › Mois", "mois à venir"],
        ],
        error_count=2,
    )
    text = page(client_for(setup["manager"]).get(reverse("reporting:import_job", kwargs={"job_id": job.pk})))
    assert '<td data-label="Onglet">—</td><td data-label="Ligne">—</td>' in text
    assert (
        '<td data-label="Onglet">Rencontres</td><td data-label="Ligne">3</td><td data-label="Colonne">Mois</td>'
        in text
    )


def test_import_pages_are_the_associations_own(setup, client_for):
    job = ImportJob.objects.create(
        association=setup["association"], departement=setup["departement"], original_name="x.xlsx"
    )
    url = reverse("reporting:import_job", kwargs={"job_id": job.pk})
    assert client_for(setup["other_manager"]).get(url).status_code == 404
    assert client_for(setup["pilot"]).get(url).status_code == 403
    assert client_for(setup["coordinator"]).get(url).status_code == 200


def _job_with_file(setup, status, **fields):
    job = ImportJob(
        association=setup["association"],
        departement=setup["departement"],
        uploaded_by=setup["manager"],
        original_name="x.xlsx",
        status=status,
    )
    job.file.save(f"{job.pk}.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_an_import_whose_worker_died_is_failed_and_the_association_told(setup, mailoutbox):
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=jobs.STALE_MINUTES + 5)
    dead = _job_with_file(setup, ImportStatus.IMPORTING, created_at=long_ago, progress=90, attempts=1)
    jobs.beat(dead, 90)
    path = dead.file.path
    with freeze_time(now + datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)):
        queued_just_now = _job_with_file(setup, ImportStatus.QUEUED)
        assert sweep_jobs() == (1, 0)
    dead.refresh_from_db()
    queued_just_now.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and not dead.file and not os.path.exists(path)
    assert queued_just_now.status == ImportStatus.QUEUED and queued_just_now.file
    assert [m.to for m in mailoutbox] == [[setup["manager"].email]]
    assert reverse("reporting:import_job", kwargs={"job_id": dead.pk}) in mailoutbox[0].body


def test_uploads_are_deleted_a_day_after_the_job_ended_and_unconfirmed_previews_expire(setup, client_for):
    now = timezone.now()
    failed = _job_with_file(setup, ImportStatus.FAILED, finished_at=now - datetime.timedelta(hours=25))
    failed_today = _job_with_file(setup, ImportStatus.FAILED, finished_at=now - datetime.timedelta(hours=2))
    preview = _job_with_file(setup, ImportStatus.VALID, updated_at=now - datetime.timedelta(hours=25))
    assert sweep_jobs() == (0, 2)
    for job in (failed, failed_today, preview):
        job.refresh_from_db()
    assert not failed.file and failed_today.file and not preview.file
    assert preview.status == ImportStatus.INVALID
    text = page(
        client_for(setup["manager"]).get(reverse("reporting:import_job", kwargs={"job_id": preview.pk}))
    )
    assert UNCONFIRMED in text and "Confirmer l'import" not in text


# --- Command -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", ["monthly", "quarterly"])
def test_the_command_dry_runs_then_imports(setup, tmp_path, capsys, frequency):
    # An association reporting by quarter imports its pairs and monthly meetings the same way.
    Convention.objects.filter(association=setup["association"]).update(reporting_frequency=frequency)
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(workbook([pair_row(i) for i in range(1, 4)], [meeting_row(1)]).read())
    with freeze_time(TODAY):
        call_command("import_report", "--association", "association-a", str(path), "--dry-run")
        assert not ReportedPair.objects.exists()
        call_command("import_report", "--association", str(setup["association"].pk), str(path))
    out = capsys.readouterr().out
    assert "Vérification seule : 3 binômes à créer, aucun binôme à mettre à jour" in out
    assert "Import réussi : 3 binômes créés, aucun binôme mis à jour" in out
    assert ReportedPair.objects.count() == 3


def test_the_command_names_the_bad_row_and_fails(setup, tmp_path, capsys):
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(workbook([pair_row(1), pair_row(2, {"État": "??"})]).read())
    with freeze_time(TODAY), pytest.raises(CommandError, match="1 erreur"):
        call_command("import_report", "--association", "association-a", str(path))
    assert "Ligne 3, colonne État : attendu : En cours ou Clôturé" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Association inconnue"):
        call_command("import_report", "--association", "nulle-part", str(path))
