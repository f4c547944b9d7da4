"""The département's tableau de pilotage (xlsx): tabs, charts, pseudonymised data, neutralised cells."""

import hashlib
import hmac
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.references.models import ReferenceItem
from binome.steering.exports import SHEETS, write_steering_workbook
from binome.steering.pseudonyms import pseudonym
from tests.steering import dataset
from tests.steering.dataset import PERIOD


@pytest.fixture
def data(world):
    return dataset.build(world)


def export(departement, period=PERIOD) -> bytes:
    buffer = io.BytesIO()
    write_steering_workbook(buffer, departement=departement, period=period)
    return buffer.getvalue()


def all_values(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [
        value for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    ]


def data_sheet(content: bytes):
    rows = list(load_workbook(io.BytesIO(content))["Données"].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_five_tabs_named_as_the_toolkit_model_then_funding(data):
    workbook = load_workbook(io.BytesIO(export(data.departement)))
    assert workbook.sheetnames == [
        "Explications",
        "Synthèse des résultats",
        "Tableau de bord",
        "Données",
        "Paramètres figés",
        "Financement",
    ]
    assert tuple(workbook.sheetnames) == SHEETS


def test_dashboard_tab_has_native_charts(data):
    content = export(data.departement)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 8
        kinds = "".join(archive.read(n).decode() for n in charts)
    assert "<lineChart>" in kinds and "<barChart>" in kinds and "<pieChart>" in kinds


def test_synthesis_matches_the_engine(data):
    workbook = load_workbook(io.BytesIO(export(data.departement)))
    stages = {"Ressources", "Activités", "Réalisations", "Résultats", "Impact"}
    rows = {
        row[1]: row
        for row in workbook["Synthèse des résultats"].iter_rows(values_only=True)
        if row[0] in stages
    }
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    expected = dataset.reference(pairs, PERIOD)
    last_year = dataset.reference(pairs, PERIOD.last_year())
    assert rows["Jeunes accompagnés"][2] == expected["youths_mentored"]
    assert rows["Jeunes accompagnés"][3] == last_year["youths_mentored"]
    assert rows["Binômes clôturés"][2] == expected["pairs_closed"]
    assert rows["ETP salariés"][2] == "non renseigné"  # not reported: the words, not an empty cell or a 0
    assert "Synthèse par association" in [
        r[0] for r in workbook["Synthèse des résultats"].iter_rows(values_only=True)
    ]


def test_data_tab_has_one_pseudonymised_row_per_pair_followed(data):
    header, rows = data_sheet(export(data.departement))
    pairs = [
        p
        for p in dataset.refreshed(data.pairs)
        if p.departement_id == data.departement.pk and dataset.followed(p, PERIOD)
    ]
    assert len(rows) == len(pairs) > 0
    assert header[:3] == ("Binôme (pseudonyme)", "Jeune (pseudonyme)", "Mentor (pseudonyme)")
    expected = {pseudonym("youth", p.youth_id) for p in pairs}
    assert {row[1] for row in rows} == expected
    assert all(value.startswith("J-") and len(value) == 18 for value in expected)
    assert "Date de naissance" not in header


def test_no_name_of_any_youth_or_mentor_anywhere(data):
    text = "\n".join(str(v) for v in all_values(export(data.departement)) if v is not None)
    for youth in data.youths:
        assert youth.last_name not in text
        assert f"{youth.first_name} {youth.last_name}" not in text
        assert str(youth.pk) not in text and str(youth.birth_date) not in text
    for pair in data.pairs:
        assert pair.mentor.last_name not in text and str(pair.mentor_id) not in text


def test_pseudonyms_are_a_keyed_hash_stable_across_exports(data, settings):
    first = data_sheet(export(data.departement))[1]
    second = data_sheet(export(data.departement))[1]
    assert [r[1] for r in first] == [r[1] for r in second]
    youth_id = data.pairs[0].youth_id
    key = hashlib.sha256(b"binome.steering.pseudonym:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, f"youth:{youth_id}".encode(), hashlib.sha256).digest()
    import base64

    assert pseudonym("youth", youth_id) == "J-" + base64.b32encode(digest[:10]).decode()
    with override_settings(BINOME_PSEUDONYM_KEY="another-key"):
        third = data_sheet(export(data.departement))[1]
    assert {r[1] for r in third}.isdisjoint({r[1] for r in first})


def test_cells_that_look_like_formulas_are_neutralised(data):
    association = data.associations[0]
    association.name = '=HYPERLINK("http://evil.example","clic")'
    association.save()
    item = ReferenceItem.objects.filter(departement=data.departement, kind="care_measure").first()
    item.label = "@SUM(A1:A9)"
    item.save()
    content = export(data.departement)
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert '\'=HYPERLINK("http://evil.example","clic")' in texts
    assert "'@SUM(A1:A9)" in texts
    assert not any(t[:1] in "=+-@" for t in texts)


def test_parameters_tab_lists_the_reference_lists(data):
    rows = list(
        load_workbook(io.BytesIO(export(data.departement)))["Paramètres figés"].iter_rows(values_only=True)
    )
    codes = {(r[0], r[1]) for r in rows if r and r[1]}
    assert ("Niveaux scolaires", "6e") in codes and ("Mesures ASE", "pupille") in codes
    assert ("Genres", "f") in codes and ("Tranches d'âge", "11_14") in codes


def test_command_writes_the_file(data, tmp_path):
    out = tmp_path / "pilotage.xlsx"
    call_command("export_steering", "--departement", "44", "--period", "2026-03", "--out", str(out))
    assert load_workbook(out).sheetnames[0] == "Explications"
    with pytest.raises(CommandError, match="Aucun département"):
        call_command("export_steering", "--departement", "00", "--period", "2026-03", "--out", str(out))
    with pytest.raises(CommandError, match="Période attendue"):
        call_command("export_steering", "--departement", "44", "--period", "mars", "--out", str(out))


def test_download_button_for_the_departement(data, member, client_for):
    user = member(Role.VIEWER)
    client = client_for(user)
    html = client.get(reverse("steering:dashboard"), {"periode": PERIOD.key}).content.decode()
    assert f"{reverse('steering:steering_xlsx')}?periode={PERIOD.key}" in html
    response = client.get(reverse("steering:steering_xlsx"), {"periode": PERIOD.key})
    assert response.status_code == 200
    assert 'filename="tableau-de-pilotage-44-2026-03.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[3] == "Données"
    log = AccessLog.objects.get(user=user, object_type="steering.tableau_de_pilotage")
    assert log.action == "export" and log.object_id == "2026-03"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice n'est pas installé")
def test_libreoffice_opens_the_file_without_repair(data, tmp_path):
    path = tmp_path / "pilotage.xlsx"
    path.write_bytes(export(data.departement))
    result = subprocess.run(
        [
            shutil.which("soffice"),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    csvs = sorted(tmp_path.glob("pilotage*.csv"))
    assert len(csvs) == len(SHEETS) == 6, (result.stdout, result.stderr)
    assert any("Jeunes accompagnés" in p.read_text(encoding="utf-8") for p in csvs)
