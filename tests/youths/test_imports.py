"""Import of the youths in care from the ASE software's export: all or nothing, idempotent, errors in French."""

import datetime
import html
import io
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import Workbook

from binome.accounts.models import Role
from binome.utils import jobs
from binome.utils.tabular import UNREADABLE
from binome.youths.imports import import_youths, sweep_jobs
from binome.youths.models import EventKind, LegalStatus, Youth, YouthImportJob, YouthImportStatus
from tests.accounts.factories import AseServiceFactory
from tests.youths.factories import CommuneFactory, TerritoryFactory, YouthFactory

HEADER = "Identifiant;Nom;Prénom;Date de naissance;Sexe;Situation juridique;Commune;Niveau scolaire;Mesure"
LEA = "A-001;Martin;Léa;12/05/2012;F;parents;44109;5e;placement_judiciaire"
YANIS = "A-002;Haddad;Yanis;03/11/2010;M;pupille;Saint-Herblain;3e;Pupille de l'État"


@pytest.fixture(autouse=True)
def communes(world):
    nantes = CommuneFactory(insee_code="44109", name="Nantes")
    saint_herblain = CommuneFactory(insee_code="44162", name="Saint-Herblain")
    CommuneFactory(insee_code="85191", name="La Roche-sur-Yon")
    TerritoryFactory(departement=world["departement"], name="Métropole", communes=[nantes, saint_herblain])


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


def csv_file(*lines, name="export.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv")


def post(client, upload):
    """Post the file: a form error answers 422 at once; an accepted file goes to the worker (run at
    once in tests) and the page of its import job answers."""
    response = client.post(reverse("youths:import"), {"file": upload})
    if response.status_code == 302:
        assert response["Location"].startswith("/jeunes/importer/")
        response = client.get(response["Location"])
    return response


def page(response) -> str:
    return html.unescape(response.content.decode())


def imported(response) -> bool:
    return response.status_code == 200 and "Import réussi" in page(response)


def refused(response) -> bool:
    return response.status_code == 422 or "Rien n'a été importé" in page(response)


def error_rows(response):
    """The report's table rows as (row, column, message), read as the user sees them."""
    table = page(response).split("Erreurs ligne par ligne", 1)[1].split("</tbody>", 1)[0]
    return [tuple(re.findall(r"<td[^>]*>(.*?)</td>", chunk, re.S)) for chunk in table.split("<tr>")[2:]]


# --- A valid file ---------------------------------------------------------------------------------------


def test_a_valid_csv_creates_the_youths(world, referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA, YANIS))
    assert imported(response)
    lea = Youth.objects.get(external_id="A-001")
    assert (lea.first_name, lea.last_name, lea.birth_date) == ("Léa", "Martin", datetime.date(2012, 5, 12))
    assert lea.gender == "f" and lea.legal_status == LegalStatus.PARENTS and lea.authority_holders == 2
    assert lea.ase_service == world["ase_service"] and lea.departement == world["departement"]
    assert lea.commune_id == "44109" and lea.territory.name == "Métropole"
    assert lea.school_level.code == "5e" and lea.care_measure.code == "placement_judiciaire"
    yanis = Youth.objects.get(external_id="A-002")
    assert yanis.legal_status == LegalStatus.WARD and yanis.commune_id == "44162"
    assert yanis.care_measure.code == "pupille"
    assert lea.events.get().kind == EventKind.IMPORTED


def test_the_success_message_gives_the_counts(referrer, client_for):
    response = client_for(referrer).post(
        reverse("youths:import"), {"file": csv_file(HEADER, LEA, YANIS)}, follow=True
    )
    assert "Import réussi : 2 fiches créées, aucune mise à jour." in html.unescape(response.content.decode())


def test_a_windows_encoded_csv_keeps_its_accents(referrer, client_for):
    post(client_for(referrer), csv_file(HEADER, LEA, encoding="cp1252"))
    assert Youth.objects.get(external_id="A-001").first_name == "Léa"


def test_an_xlsx_file_built_with_openpyxl_works(world, referrer, client_for):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Identifiant", "Nom", "Prénom", "Date de naissance", "Sexe", "Situation juridique", "Commune"]
    )
    sheet.append([1001, "Petit", "Emma", datetime.datetime(2011, 9, 1), "F", "Délégation", 44109])
    sheet.append([1002, "Leroy", "Adam", datetime.datetime(2006, 1, 20), "M", "Jeune majeur", "Nantes"])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile(
        "export.xlsx",
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = post(client_for(referrer), upload)
    assert imported(response)
    emma = Youth.objects.get(external_id="1001")
    assert emma.birth_date == datetime.date(2011, 9, 1) and emma.legal_status == LegalStatus.DELEGATED
    assert emma.commune_id == "44109"
    adam = Youth.objects.get(external_id="1002")
    assert adam.legal_status == LegalStatus.YOUNG_ADULT and adam.commune_id == "44109"


def test_a_pilot_names_the_service_of_each_youth(world, member, client_for):
    header = HEADER + ";Service ASE"
    response = post(client_for(member(Role.PILOT)), csv_file(header, LEA + ";Service ASE A"))
    assert imported(response)
    assert Youth.objects.get(external_id="A-001").ase_service == world["ase_service"]


def test_a_pilot_must_name_a_known_service(world, member, client_for):
    header = HEADER + ";Service ASE"
    response = post(client_for(member(Role.PILOT)), csv_file(header, LEA + ";Service inconnu"))
    assert refused(response)
    assert error_rows(response) == [
        ("2", "Service ASE", "service « Service inconnu » inconnu : indiquez le nom exact d'un service ASE")
    ]
    assert not Youth.objects.exists()


# --- Importing again --------------------------------------------------------------------------------------


def test_importing_the_same_file_again_updates_without_duplicating(referrer, client_for):
    client = client_for(referrer)
    post(client, csv_file(HEADER, LEA, YANIS))
    response = client.post(reverse("youths:import"), {"file": csv_file(HEADER, LEA, YANIS)}, follow=True)
    assert Youth.objects.count() == 2
    assert "Import réussi : aucune fiche créée, 2 mises à jour." in html.unescape(response.content.decode())


def test_importing_a_changed_file_updates_the_changed_field(referrer, client_for):
    client = client_for(referrer)
    post(client, csv_file(HEADER, LEA, YANIS))
    moved = LEA.replace(";44109;", ";Saint-Herblain;").replace(";5e;", ";4e;")
    post(client, csv_file(HEADER, moved, YANIS))
    assert Youth.objects.count() == 2
    lea = Youth.objects.get(external_id="A-001")
    assert lea.commune_id == "44162" and lea.school_level.code == "4e"


def test_an_import_keeps_what_the_file_does_not_carry(world, referrer, client_for):
    youth = YouthFactory(
        ase_service=world["ase_service"],
        external_id="A-001",
        interests="Football, dessin",
        proposal_accepted=True,
    )
    post(client_for(referrer), csv_file(HEADER, LEA))
    youth.refresh_from_db()
    assert youth.last_name == "Martin"
    assert youth.interests == "Football, dessin" and youth.proposal_outcome == "accepted"


# --- All or nothing --------------------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_imports_nothing(referrer, client_for):
    bad = "A-003;Durand;Chloé;31/02/2012;F;parents;44109;;"
    response = post(client_for(referrer), csv_file(HEADER, LEA, bad, YANIS))
    assert refused(response)
    assert error_rows(response) == [("3", "Date de naissance", "date illisible : attendu JJ/MM/AAAA")]
    assert "Rien n'a été importé : 1 erreur." in html.unescape(response.content.decode())
    assert not Youth.objects.exists()


def test_a_bad_row_leaves_existing_records_unchanged(world, referrer, client_for):
    client = client_for(referrer)
    post(client, csv_file(HEADER, LEA))
    renamed = LEA.replace(";Martin;", ";Martin-Roy;")
    bad = "A-003;Durand;Chloé;12/05/2012;Z;parents;44109;;"
    response = post(client, csv_file(HEADER, renamed, bad))
    assert refused(response)
    assert error_rows(response) == [("3", "Sexe", "attendu F, M ou X")]
    assert Youth.objects.get(external_id="A-001").last_name == "Martin"
    assert Youth.objects.count() == 1


def test_a_row_refused_by_the_model_rolls_back_the_rows_already_written(referrer, client_for):
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    bad = f"A-003;Durand;Chloé;{future};F;parents;44109;;"
    response = post(client_for(referrer), csv_file(HEADER, LEA, YANIS, bad))
    assert refused(response)
    assert error_rows(response) == [
        ("4", "Date de naissance", "La date de naissance ne peut pas être dans le futur.")
    ]
    assert not Youth.objects.exists()


def test_an_adult_declared_under_parental_authority_is_refused(referrer, client_for):
    adult = "A-004;Morel;Sami;01/01/2000;M;parents;;;"
    response = post(client_for(referrer), csv_file(HEADER, adult))
    assert refused(response)
    assert error_rows(response) == [
        (
            "2",
            "Situation juridique",
            "À 18 ans, le jeune consent pour lui-même : choisissez « Jeune majeur ».",
        )
    ]


def test_every_error_of_a_row_is_listed(referrer, client_for):
    bad = "A-005;;Chloé;hier;;inconnu;;;"
    response = post(client_for(referrer), csv_file(HEADER, bad))
    assert error_rows(response) == [
        ("2", "Nom", "obligatoire"),
        ("2", "Date de naissance", "date illisible : attendu JJ/MM/AAAA"),
        ("2", "Sexe", "attendu F, M ou X"),
        (
            "2",
            "Situation juridique",
            "attendu : parents, délégation, pupille, tutelle hors pupille ou majeur",
        ),
    ]


def test_duplicate_identifiers_in_one_file_are_refused(referrer, client_for):
    twin = YANIS.replace("A-002", "A-001")
    response = post(client_for(referrer), csv_file(HEADER, LEA, twin))
    assert refused(response)
    assert error_rows(response) == [("3", "Identifiant", "déjà présent ligne 2 du fichier")]
    assert not Youth.objects.exists()


def test_an_unknown_commune_is_refused(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA.replace(";44109;", ";Atlantis;")))
    assert refused(response)
    assert error_rows(response) == [
        ("2", "Commune", "commune « Atlantis » inconnue dans le département (code INSEE ou nom exact)")
    ]


def test_a_commune_of_another_departement_is_refused(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA.replace(";44109;", ";85191;")))
    assert error_rows(response) == [
        ("2", "Commune", "commune « 85191 » inconnue dans le département (code INSEE ou nom exact)")
    ]


def test_a_missing_required_column_is_named(referrer, client_for):
    header = HEADER.replace("Prénom;", "")
    row = LEA.replace("Léa;", "")
    response = post(client_for(referrer), csv_file(header, row))
    assert refused(response)
    assert error_rows(response) == [("1", "—", "Colonne « Prénom » absente.")]
    assert not Youth.objects.exists()


def test_a_file_without_data_rows_is_refused(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER))
    assert refused(response)
    assert error_rows(response) == [("—", "—", "Le fichier ne contient aucune ligne de données.")]


def test_a_binary_file_named_csv_is_refused_in_french(referrer, client_for):
    """Issue 12: it used to end in an UnboundLocalError (HTTP 500)."""
    upload = SimpleUploadedFile("export.csv", b"\x00\x01\x02\xff\xfe" * 200, content_type="text/csv")
    response = post(client_for(referrer), upload)
    assert response.status_code == 422
    assert "Ce fichier n'est pas un tableau lisible." in html.unescape(response.content.decode())
    assert not Youth.objects.exists()


def test_a_damaged_workbook_is_refused_in_french(referrer, client_for):
    upload = SimpleUploadedFile(
        "export.xlsx", b"PK\x03\x04 not a zip", content_type="application/octet-stream"
    )
    response = post(client_for(referrer), upload)
    assert response.status_code == 422
    assert UNREADABLE in html.unescape(response.content.decode())


# --- A service imports only its own youths ------------------------------------------------------------------


def test_a_service_cannot_import_over_another_services_youth(world, referrer, client_for):
    other_service = AseServiceFactory(departement=world["departement"], name="Service ASE Sud")
    theirs = YouthFactory(ase_service=other_service, external_id="A-001", last_name="Inchangé")
    response = post(client_for(referrer), csv_file(HEADER, LEA))
    assert refused(response)
    assert error_rows(response) == [("2", "Identifiant", "ce jeune est suivi par un autre service")]
    theirs.refresh_from_db()
    assert theirs.last_name == "Inchangé" and theirs.ase_service == other_service


def test_a_service_cannot_import_youths_for_another_service(world, referrer, client_for):
    AseServiceFactory(departement=world["departement"], name="Service ASE Sud")
    header = HEADER + ";Service ASE"
    response = post(client_for(referrer), csv_file(header, LEA + ";Service ASE Sud"))
    assert refused(response)
    assert error_rows(response) == [
        ("2", "Service ASE", "un service ne peut importer que ses propres jeunes")
    ]
    assert not Youth.objects.exists()


def test_identifiers_of_another_departement_do_not_collide(world, member, referrer):
    YouthFactory(ase_service=world["other_ase_service"], external_id="A-001", last_name="Ailleurs")
    membership = referrer.memberships.get()
    report = import_youths(csv_file(HEADER, LEA), organisation=membership.organisation, by=referrer)
    assert report.ok and report.created == 1
    assert Youth.objects.filter(external_id="A-001").count() == 2


def test_a_departement_viewer_cannot_import(member, client_for):
    response = post(client_for(member(Role.VIEWER)), csv_file(HEADER, LEA))
    assert response.status_code == 403
    assert not Youth.objects.exists()


# --- In the worker: progress, isolation, a dead worker, uploads deleted -------------------------------------


def test_the_import_runs_as_a_job_whose_file_is_deleted_once_done(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA, YANIS))
    job = YouthImportJob.objects.get()
    assert imported(response)
    assert (job.status, job.rows, job.created_count, job.progress) == (YouthImportStatus.DONE, 2, 2, 100)
    assert not job.file
    assert "progress" not in page(response)  # finished: no bar, no polling
    assert "hx-get" not in page(response)


def test_a_running_job_shows_its_progress_and_polls(referrer, client_for):
    job = YouthImportJob.objects.create(
        organisation=referrer.memberships.get().organisation, uploaded_by=referrer, original_name="export.csv",
        status=YouthImportStatus.IMPORTING,
    )  # fmt: skip
    jobs.beat(job, 42)
    client = client_for(referrer)
    response = client.get(reverse("youths:import_job_status", kwargs={"job_id": job.pk}))
    assert '<progress id="import-progress" max="100" value="42">' in page(response)
    assert "hx-get" in page(response)


def test_another_organisations_job_is_a_404(world, referrer, member, client_for):
    job = YouthImportJob.objects.create(
        organisation=referrer.memberships.get().organisation, uploaded_by=referrer, original_name="export.csv"
    )
    pilot = member(Role.PILOT)
    for name in ("youths:import_job", "youths:import_job_status"):
        assert client_for(pilot).get(reverse(name, kwargs={"job_id": job.pk})).status_code == 404
        assert client_for(referrer).get(reverse(name, kwargs={"job_id": job.pk})).status_code == 200


def _job_with_file(referrer, status, **fields):
    job = YouthImportJob(
        organisation=referrer.memberships.get().organisation,
        uploaded_by=referrer,
        original_name="export.csv",
        status=status,
    )
    job.file.save(f"{job.pk}.csv", ContentFile(b"Identifiant;Nom\n"), save=False)
    job.save()
    YouthImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_failed_its_file_deleted_and_the_uploader_told(referrer, mailoutbox):
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)
    # Its rerun died too.
    dead = _job_with_file(referrer, YouthImportStatus.IMPORTING, created_at=long_ago, attempts=1)
    jobs.beat(dead, 90)
    alive = _job_with_file(referrer, YouthImportStatus.IMPORTING, created_at=long_ago)
    with freeze_time(now + datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)):
        jobs.beat(alive, 50)  # beats: a long import, still going
    path = dead.file.path
    with freeze_time(now + datetime.timedelta(minutes=jobs.STALE_MINUTES + 2)):
        assert sweep_jobs() == (1, 0)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == YouthImportStatus.FAILED and not dead.file
    assert not os.path.exists(path)
    assert alive.status == YouthImportStatus.IMPORTING and alive.file
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [referrer.email]
    assert mailoutbox[0].subject.endswith("Un import n'a pas abouti")
    assert str(dead.pk) in mailoutbox[0].body


def test_the_upload_of_a_failed_job_is_deleted_after_a_day(referrer):
    now = timezone.now()
    recent = _job_with_file(
        referrer, YouthImportStatus.FAILED, finished_at=now - datetime.timedelta(hours=23)
    )
    old = _job_with_file(referrer, YouthImportStatus.FAILED, finished_at=now - datetime.timedelta(hours=25))
    assert sweep_jobs() == (0, 1)
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.file and not old.file
