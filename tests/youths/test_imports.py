"""Import of the youths in care from the ASE software's export: all or nothing, idempotent, errors in French."""

import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from binome.accounts.models import Role
from binome.utils.tabular import UNREADABLE
from binome.youths.imports import import_youths
from binome.youths.models import EventKind, LegalStatus, Youth
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
    return client.post(reverse("youths:import"), {"file": upload})


def error_rows(response):
    """The report's table rows as (row, column, message), read as the user sees them."""
    page = html.unescape(response.content.decode())
    table = page.split("Erreurs ligne par ligne", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for chunk in table.split("<tr>")[2:]:
        cells = [c.split("</td>")[0] for c in chunk.split("<td>")[1:]]
        rows.append(tuple(cells))
    return rows


# --- A valid file ---------------------------------------------------------------------------------------


def test_a_valid_csv_creates_the_youths(world, referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA, YANIS))
    assert response.status_code == 302
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
    assert "Import réussi : 2 fiche(s) créée(s), 0 mise(s) à jour." in html.unescape(
        response.content.decode()
    )


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
    assert response.status_code == 302
    emma = Youth.objects.get(external_id="1001")
    assert emma.birth_date == datetime.date(2011, 9, 1) and emma.legal_status == LegalStatus.DELEGATED
    assert emma.commune_id == "44109"
    adam = Youth.objects.get(external_id="1002")
    assert adam.legal_status == LegalStatus.YOUNG_ADULT and adam.commune_id == "44109"


def test_a_pilot_names_the_service_of_each_youth(world, member, client_for):
    header = HEADER + ";Service ASE"
    response = post(client_for(member(Role.PILOT)), csv_file(header, LEA + ";Service ASE A"))
    assert response.status_code == 302
    assert Youth.objects.get(external_id="A-001").ase_service == world["ase_service"]


def test_a_pilot_must_name_a_known_service(world, member, client_for):
    header = HEADER + ";Service ASE"
    response = post(client_for(member(Role.PILOT)), csv_file(header, LEA + ";Service inconnu"))
    assert response.status_code == 422
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
    assert "Import réussi : 0 fiche(s) créée(s), 2 mise(s) à jour." in html.unescape(
        response.content.decode()
    )


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
    assert response.status_code == 422
    assert error_rows(response) == [("3", "Date de naissance", "date illisible : attendu JJ/MM/AAAA")]
    assert "Rien n'a été importé : 1 erreur." in html.unescape(response.content.decode())
    assert not Youth.objects.exists()


def test_a_bad_row_leaves_existing_records_unchanged(world, referrer, client_for):
    client = client_for(referrer)
    post(client, csv_file(HEADER, LEA))
    renamed = LEA.replace(";Martin;", ";Martin-Roy;")
    bad = "A-003;Durand;Chloé;12/05/2012;Z;parents;44109;;"
    response = post(client, csv_file(HEADER, renamed, bad))
    assert response.status_code == 422
    assert error_rows(response) == [("3", "Sexe", "attendu F, M ou X")]
    assert Youth.objects.get(external_id="A-001").last_name == "Martin"
    assert Youth.objects.count() == 1


def test_a_row_refused_by_the_model_rolls_back_the_rows_already_written(referrer, client_for):
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    bad = f"A-003;Durand;Chloé;{future};F;parents;44109;;"
    response = post(client_for(referrer), csv_file(HEADER, LEA, YANIS, bad))
    assert response.status_code == 422
    assert error_rows(response) == [
        ("4", "Date de naissance", "La date de naissance ne peut pas être dans le futur.")
    ]
    assert not Youth.objects.exists()


def test_an_adult_declared_under_parental_authority_is_refused(referrer, client_for):
    adult = "A-004;Morel;Sami;01/01/2000;M;parents;;;"
    response = post(client_for(referrer), csv_file(HEADER, adult))
    assert response.status_code == 422
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
        ("2", "Situation juridique", "attendu : parents, délégation, pupille ou majeur"),
    ]


def test_duplicate_identifiers_in_one_file_are_refused(referrer, client_for):
    twin = YANIS.replace("A-002", "A-001")
    response = post(client_for(referrer), csv_file(HEADER, LEA, twin))
    assert response.status_code == 422
    assert error_rows(response) == [("3", "Identifiant", "déjà présent ligne 2 du fichier")]
    assert not Youth.objects.exists()


def test_an_unknown_commune_is_refused(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER, LEA.replace(";44109;", ";Atlantis;")))
    assert response.status_code == 422
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
    assert response.status_code == 422
    assert error_rows(response) == [("1", "—", "Colonne « Prénom » absente.")]
    assert not Youth.objects.exists()


def test_a_file_without_data_rows_is_refused(referrer, client_for):
    response = post(client_for(referrer), csv_file(HEADER))
    assert response.status_code == 422
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
    assert response.status_code == 422
    assert error_rows(response) == [("2", "Identifiant", "ce jeune est suivi par un autre service")]
    theirs.refresh_from_db()
    assert theirs.last_name == "Inchangé" and theirs.ase_service == other_service


def test_a_service_cannot_import_youths_for_another_service(world, referrer, client_for):
    AseServiceFactory(departement=world["departement"], name="Service ASE Sud")
    header = HEADER + ";Service ASE"
    response = post(client_for(referrer), csv_file(header, LEA + ";Service ASE Sud"))
    assert response.status_code == 422
    assert error_rows(response) == [
        ("2", "Service ASE", "un service ne peut importer que ses propres jeunes")
    ]
    assert not Youth.objects.exists()


def test_identifiers_of_another_departement_do_not_collide(world, member, referrer):
    YouthFactory(ase_service=world["other_ase_service"], external_id="A-001", last_name="Ailleurs")
    membership = referrer.memberships.get()
    report = import_youths(csv_file(HEADER, LEA), membership=membership, by=referrer)
    assert report.ok and report.created == 1
    assert Youth.objects.filter(external_id="A-001").count() == 2


def test_a_departement_viewer_cannot_import(member, client_for):
    response = post(client_for(member(Role.VIEWER)), csv_file(HEADER, LEA))
    assert response.status_code == 403
    assert not Youth.objects.exists()
