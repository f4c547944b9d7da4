"""The steering dashboard as a département pilot and an association manager use it, in Chromium."""

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login
from tests.steering import dataset
from tests.steering.dataset import PERIOD


def test_pilot_reads_the_dashboard_and_downloads_the_tableau(page, e2e_world):
    data = dataset.build(e2e_world)
    pilot = UserFactory(with_totp=True)
    MembershipFactory(user=pilot, organisation=e2e_world["departement"], role=Role.PILOT)
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    expected = dataset.reference(pairs, PERIOD)

    login(page, pilot)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Pilotage", exact=True).click()
    nav.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    page.get_by_label("Période", exact=True).select_option(PERIOD.key)
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Chiffres de mars 2026")).to_be_visible()
    figure = page.locator(".key-figure", has_text="Jeunes accompagnés")
    expect(figure.locator(".key-figure__value")).to_have_text(str(expected["youths_mentored"]))

    # The charts are drawn by the static script (the CSP allows no inline script)...
    trend = page.locator('canvas[data-chart="chart-data-trend"]')
    expect(trend).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=\"chart-data-trend\"]'))"
    )
    # ...and each has its table, read by screen readers.
    expect(page.get_by_role("table", name="Évolution sur 12 mois — données du graphique")).to_be_visible()
    assert_accessible(page)

    # Narrow to one association: the figures follow.
    page.get_by_label("Association", exact=True).select_option(label="Association C")
    page.get_by_role("button", name="Afficher").click()
    own = dataset.reference([p for p in pairs if p.association.name == "Association C"], PERIOD)
    expect(figure.locator(".key-figure__value")).to_have_text(str(own["youths_mentored"]))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableau de pilotage (xlsx, 6 onglets)").click()
    download = download_info.value
    assert download.suggested_filename == "tableau-de-pilotage-44-2026-03.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames == [
        "Explications",
        "Synthèse des résultats",
        "Tableau de bord",
        "Données",
        "Paramètres figés",
        "Financement",
    ]


def test_association_manager_sees_its_own_dashboard(page, e2e_world):
    data = dataset.build(e2e_world)
    manager = UserFactory(with_totp=True)
    MembershipFactory(user=manager, organisation=e2e_world["association"], role=Role.MANAGER)
    login(page, manager)
    page.goto(f"/pilotage/?periode={PERIOD.key}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Association A")
    expect(page.get_by_text("Synthèse par association")).to_have_count(0)
    expect(
        page.get_by_role("link", name="Télécharger le tableau de pilotage (xlsx, 6 onglets)")
    ).to_have_count(0)
    pairs = [p for p in dataset.refreshed(data.pairs) if p.association_id == e2e_world["association"].pk]
    expected = dataset.reference(pairs, PERIOD)
    expect(
        page.locator(".key-figure", has_text="Jeunes accompagnés").locator(".key-figure__value")
    ).to_have_text(str(expected["youths_mentored"]))
    with page.expect_download() as download_info:
        page.locator("#title-breakdown_age").locator("xpath=..").get_by_role(
            "link", name="Exporter ce tableau (xlsx)"
        ).click()
    assert download_info.value.suggested_filename == "binome-breakdown-age-2026-03.xlsx"
    assert_accessible(page)
