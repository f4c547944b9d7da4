"""« Modèle à remplir » of the youths import (issue 18): the expected headers and the département's
lists as drop-downs, as .xlsx and .ods; downloaded, one row filled in, it imports."""

import datetime
import html
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.references.models import ReferenceItem
from binome.utils.ods import _cell
from binome.utils.tabular import Workbook as Table
from binome.youths.models import LegalStatus, Youth
from tests.spreadsheets import needs_libreoffice, soffice
from tests.youths.factories import CommuneFactory, TerritoryFactory

SERVICE_COLUMNS = [
    "Identifiant",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Sexe",
    "Situation juridique",
    "Mesure",
    "Niveau scolaire",
    "Année scolaire",
    "Date de prise en charge",
    "Commune",
    "Titulaires autorité parentale",
    "Lieu d'accueil",
]
LEGAL_LABELS = [
    "Autorité parentale exercée par les parents",
    "Autorité parentale déléguée",
    "Pupille de l'État",
    "Tutelle (hors pupille de l'État)",
    "Jeune majeur",
]
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


@pytest.fixture(autouse=True)
def communes(world):
    nantes = CommuneFactory(insee_code="44109", name="Nantes")
    TerritoryFactory(departement=world["departement"], name="Métropole", communes=[nantes])


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


def download(client, fmt):
    return client.get(reverse("youths:import_template", args=[fmt]))


def posted(client, content: bytes, name: str) -> str:
    """Post to the import page; the worker runs at once in tests, and its job page answers."""
    response = client.post(reverse("youths:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return html.unescape(client.get(response["Location"]).content.decode())


def table(content: bytes) -> dict[str, list[tuple]]:
    with Table(io.BytesIO(content)) as book:
        return {name: [values for _, values in book.rows(name)] for name in book.sheet_names}


LEA = ["A-010", "Martin", "Léa", datetime.date(2012, 5, 12), "F", "Pupille de l'État",
       "Placement judiciaire (assistance éducative)", "4e", 2025, None, "44109", 2, "MECS Les Tilleuls"]  # fmt: skip


def test_the_import_page_offers_the_template_in_both_formats(referrer, client_for):
    text = html.unescape(client_for(referrer).get(reverse("youths:import")).content.decode())
    assert (
        f'href="{reverse("youths:import_template", args=["xlsx"])}">Modèle à remplir (Excel, .xlsx)</a>'
        in text
    )
    assert (
        f'href="{reverse("youths:import_template", args=["ods"])}">Modèle à remplir (LibreOffice, .ods)</a>'
        in text
    )


def test_the_xlsx_template_has_the_headers_and_the_departements_lists(world, referrer, client_for):
    ReferenceItem.objects.filter(departement=world["departement"], code="aemo").update(is_active=False)
    client = client_for(referrer)
    response = download(client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-jeunes.xlsx"'
    sheets = table(response.content)
    assert list(sheets) == ["Jeunes", "Listes"]
    assert sheets["Jeunes"] == [tuple(SERVICE_COLUMNS)]  # a service imports its own: no « Service ASE »
    header, *rows = sheets["Listes"]
    lists = {name: [r[i] for r in rows if i < len(r) and r[i]] for i, name in enumerate(header)}
    assert list(lists) == ["Sexe", "Situation juridique", "Mesure", "Niveau scolaire"]
    assert lists["Sexe"] == ["F", "M", "X"]
    assert lists["Situation juridique"] == LEGAL_LABELS
    assert lists["Mesure"][1] == "Placement judiciaire (assistance éducative)"
    assert "Action éducative en milieu ouvert (AEMO)" not in lists["Mesure"]  # deactivated
    assert len(lists["Mesure"]) == 7 and len(lists["Niveau scolaire"]) == 13
    sheet = load_workbook(io.BytesIO(response.content))["Jeunes"]
    rules = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert rules == {
        "E2:E20001": "='Listes'!$A$2:$A$4",
        "F2:F20001": "='Listes'!$B$2:$B$6",
        "G2:G20001": "='Listes'!$C$2:$C$8",
        "H2:H20001": "='Listes'!$D$2:$D$14",
    }


def fill_xlsx(sheet, row):
    for column, value in enumerate(row, start=1):
        sheet.cell(row=2, column=column, value=value)


def test_the_xlsx_template_filled_in_imports(referrer, client_for):
    client = client_for(referrer)
    book = load_workbook(io.BytesIO(download(client, "xlsx").content))
    fill_xlsx(book["Jeunes"], LEA)
    buffer = io.BytesIO()
    book.save(buffer)
    assert "Import réussi" in posted(client, buffer.getvalue(), "modele.xlsx")
    youth = Youth.objects.get()
    assert (youth.external_id, youth.birth_date, youth.legal_status, youth.care_measure.code) == (
        "A-010",
        datetime.date(2012, 5, 12),
        LegalStatus.WARD,
        "placement_judiciaire",
    )
    assert (youth.school_level.code, youth.commune.insee_code, youth.ase_service.name) == (
        "4e",
        "44109",
        "Service ASE A",
    )


def conditions(content: bytes) -> dict[str, str]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
    root = ElementTree.fromstring(xml)  # noqa: S314 — our file, or LibreOffice's save of it
    return {v.get(f"{{{TABLE_NS}}}name"): v.get(f"{{{TABLE_NS}}}condition") for v in root.iter(f"{{{TABLE_NS}}}content-validation")}  # fmt: skip


def fill_ods(content: bytes, row: list) -> bytes:
    """Type one row under the headers of our .ods (the drop-downs below it stay)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read("content.xml").decode()
    blank = '<table:table-row table:number-rows-repeated="20000">'
    assert xml.count(blank) == 1
    filled = "<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
    xml = xml.replace(blank, filled + blank.replace("20000", "19999"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, xml if info.filename == "content.xml" else source.read(info))
    return buffer.getvalue()


def test_the_ods_template_has_the_same_headers_lists_and_drop_downs(referrer, client_for):
    client = client_for(referrer)
    response = download(client, "ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-jeunes.ods"'
    assert table(response.content) == table(download(client, "xlsx").content)
    assert sorted(conditions(response.content).values()) == [
        "of:cell-content-is-in-list($'Listes'.$A$2:$A$4)",
        "of:cell-content-is-in-list($'Listes'.$B$2:$B$6)",
        "of:cell-content-is-in-list($'Listes'.$C$2:$C$9)",
        "of:cell-content-is-in-list($'Listes'.$D$2:$D$14)",
    ]
    # The drop-downs sit on Sexe, Situation juridique, Mesure, Niveau scolaire (columns 5 to 8).
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    blank_rows = content.split('table:number-rows-repeated="20000">', 1)[1].split("</table:table-row>", 1)[0]
    cells = re.findall(r"<table:table-cell[^>]*>", blank_rows)
    assert [i for i, cell in enumerate(cells, start=1) if "content-validation-name" in cell] == [5, 6, 7, 8]
    assert "Import réussi" in posted(client, fill_ods(response.content, LEA), "modele.ods")
    assert Youth.objects.get().care_measure.code == "placement_judiciaire"


def test_the_departements_template_asks_for_the_service(world, member, client_for):
    pilot = member(Role.PILOT)
    client = client_for(pilot)
    response = download(client, "ods")
    sheets = table(response.content)
    assert sheets["Jeunes"] == [(*SERVICE_COLUMNS[:11], "Service ASE", *SERVICE_COLUMNS[11:])]
    assert sheets["Listes"][0] == ("Sexe", "Situation juridique", "Mesure", "Niveau scolaire", "Service ASE")
    assert [row[4] for row in sheets["Listes"][1:] if len(row) > 4 and row[4]] == ["Service ASE A"]
    row = [*LEA[:11], "Service ASE A", *LEA[11:]]
    assert "Import réussi" in posted(client, fill_ods(response.content, row), "modele.ods")
    assert Youth.objects.get().ase_service == world["ase_service"]


def test_the_template_is_for_those_who_import(member, referrer, client_for):
    assert download(client_for(member(Role.MANAGER)), "xlsx").status_code == 403
    assert download(client_for(referrer), "pdf").status_code == 404


@needs_libreoffice
def test_libreoffice_opens_the_ods_template_and_what_it_saves_imports(referrer, client_for, tmp_path):
    client = client_for(referrer)
    (tmp_path / "modele.ods").write_bytes(download(client, "ods").content)
    book = load_workbook(io.BytesIO(soffice(tmp_path / "modele.ods", "xlsx", tmp_path)))
    assert [c.value for c in book["Jeunes"][1]] == SERVICE_COLUMNS
    kept = sorted(rule.formula1 for rule in book["Jeunes"].data_validations.dataValidation)
    assert kept == ["Listes!$A$2:$A$4", "Listes!$B$2:$B$6", "Listes!$C$2:$C$9", "Listes!$D$2:$D$14"]
    fill_xlsx(book["Jeunes"], LEA)
    buffer = io.BytesIO()
    book.save(buffer)
    assert "Import réussi" in posted(client, buffer.getvalue(), "modele.xlsx")
    assert Youth.objects.get().external_id == "A-010"
