"""Youth import, the columns of art. D.221-34 al.2 and D.221-35: the date care started, the school year
of the level, and « tutelle (hors pupille) » as a legal status of its own."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from openpyxl import Workbook

from binome.accounts.models import Role
from binome.youths.imports import import_youths, school_year
from binome.youths.models import LegalStatus, Youth
from tests.youths.test_imports import communes, csv_file, error_rows, imported, post, refused

HEADER = (
    "Identifiant;Nom;Prénom;Date de naissance;Sexe;Situation juridique;Niveau scolaire;Année scolaire;"
    "Date de prise en charge"
)
INES = "B-001;Roux;Inès;12/05/2012;F;parents;5e;2025-2026;01/09/2024"
NOAH = "B-002;Blanc;Noah;03/03/2016;M;tutelle hors pupille;CM2;2025;15/01/2020"

__all__ = ["communes"]  # the communes fixture of the main import tests, autouse here too


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


@freeze_time("2026-12-04")
def test_care_start_and_school_year_are_read_and_date_the_first_assessment(referrer, client_for):
    assert imported(post(client_for(referrer), csv_file(HEADER, INES, NOAH)))
    ines = Youth.objects.get(external_id="B-001")
    assert (ines.care_started_on, ines.school_year) == (datetime.date(2024, 9, 1), 2025)
    # Taken into care at 12 (11 on 12/05/2023): the assessment is due when care started.
    assert ines.first_assessment_due_on == datetime.date(2024, 9, 1)
    noah = Youth.objects.get(external_id="B-002")
    assert noah.legal_status == LegalStatus.GUARDIANSHIP
    # In CM2 in 2025-2026, taken into care at 3: due on entering collège, rentrée 2026.
    assert (noah.school_year, noah.first_assessment_due_on) == (2025, datetime.date(2026, 9, 1))


@pytest.mark.parametrize(
    "spelling", ["tutelle", "Tutelle hors pupille", "Tutelle (hors pupille de l'État)", "tuteur"]
)
def test_every_spelling_of_a_guardianship_maps_to_its_status(referrer, spelling):
    row = f"B-003;Petit;Lou;01/02/2013;F;{spelling};;;"
    membership = referrer.memberships.get()
    report = import_youths(csv_file(HEADER, row), organisation=membership.organisation, by=referrer)
    assert report.ok, report.errors
    assert Youth.objects.get(external_id="B-003").legal_status == LegalStatus.GUARDIANSHIP


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025", 2025),
        ("2025-2026", 2025),
        ("2024/25", 2024),
        ("2025.0", 2025),
        (2023, 2023),
        ("", None),
        (None, None),
    ],
)
def test_a_school_year_reads_as_the_year_of_its_rentree(value, expected):
    assert school_year(value) == expected


@freeze_time("2026-12-04")
def test_bad_values_get_a_french_error_per_row(referrer, client_for):
    rows = [
        "B-010;Roux;Ana;12/05/2012;F;parents;5e;2025-2027;01/09/2024",
        "B-011;Roux;Léo;12/05/2012;M;parents;5e;1999;02/09/2024",
        "B-012;Roux;Zoé;12/05/2012;F;parents;5e;l'an dernier;hier",
        "B-013;Roux;Tom;12/05/2012;M;parents;5e;2025;05/12/2026",
        "B-014;Roux;Eva;12/05/2012;F;parents;5e;2025;11/05/2012",
        "B-015;Roux;Max;12/05/2012;M;tutelle d'état;5e;2025;",
    ]
    response = post(client_for(referrer), csv_file(HEADER, *rows))
    assert refused(response)
    assert error_rows(response) == [
        ("2", "Année scolaire", "« 2025-2027 » : la seconde année doit suivre la première (2025-2026)"),
        ("3", "Année scolaire", "année 1999 hors de la plage acceptée (2000 à 2027)"),
        ("4", "Année scolaire", "attendu l'année de la rentrée, par exemple 2025 ou 2025-2026"),
        ("4", "Date de prise en charge", "date illisible : attendu JJ/MM/AAAA"),
        ("5", "Date de prise en charge", "date dans le futur : indiquez le début de la prise en charge"),
        ("6", "Date de prise en charge", "la prise en charge ne peut pas précéder la naissance"),
        (
            "7",
            "Situation juridique",
            "attendu : parents, délégation, pupille, tutelle hors pupille ou majeur",
        ),
    ]
    assert not Youth.objects.filter(external_id__startswith="B-0").exists()


@freeze_time("2026-12-04")
def test_a_level_without_its_year_is_dated_to_the_current_school_year(referrer, client_for):
    client = client_for(referrer)
    assert imported(post(client, csv_file(HEADER, INES)))
    header = "Identifiant;Nom;Prénom;Date de naissance;Sexe;Situation juridique;Niveau scolaire"
    assert imported(post(client, csv_file(header, "B-001;Roux;Inès;12/05/2012;F;parents;4e")))
    ines = Youth.objects.get(external_id="B-001")
    # The export of 4 December 2026 gives this school year's level: 2026-2027 reads 2026.
    assert (ines.school_level.code, ines.school_year) == ("4e", 2026)
    assert ines.care_started_on == datetime.date(2024, 9, 1)  # a column the file does not carry is kept


@freeze_time("2026-12-04")
def test_an_xlsx_gives_numbers_and_dates_as_cells(referrer, client_for):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            2001,
            "Roux",
            "Inès",
            datetime.datetime(2012, 5, 12),
            "F",
            "Tutelle",
            "5e",
            2025,
            datetime.datetime(2024, 9, 1),
        ]
    )
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile(
        "export.xlsx",
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert imported(post(client_for(referrer), upload))
    ines = Youth.objects.get(external_id="2001")
    assert (ines.legal_status, ines.school_year, ines.care_started_on) == (
        LegalStatus.GUARDIANSHIP,
        2025,
        datetime.date(2024, 9, 1),
    )
