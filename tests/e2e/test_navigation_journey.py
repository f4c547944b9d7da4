"""The grouped main navigation with a keyboard and on a phone, and the national view, in Chromium."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login


def test_a_pilot_opens_a_group_with_the_keyboard(page, e2e_world):
    pilot = UserFactory(with_totp=True)
    MembershipFactory(user=pilot, organisation=e2e_world["departement"], role=Role.PILOT)
    login(page, pilot)
    nav = page.get_by_role("navigation", name="Navigation principale")
    group = nav.locator("details", has_text="Administration")
    partners = nav.get_by_role("link", name="Partenaires")
    expect(partners).to_be_hidden()

    # Tab to the group's title, open it with Enter, Escape closes it and leaves the focus on the title.
    nav.get_by_text("Administration", exact=True).focus()
    page.keyboard.press("Enter")
    expect(partners).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(partners).to_be_hidden()
    expect(nav.get_by_text("Administration", exact=True)).to_be_focused()

    # Opening one group closes the other.
    page.keyboard.press("Enter")
    nav.get_by_text("Pilotage", exact=True).click()
    expect(group).not_to_have_attribute("open", "")
    expect(partners).to_be_hidden()

    # Into the open group with Tab, follow a link with Enter: the page and its group are marked.
    nav.get_by_text("Administration", exact=True).click()
    partners.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/partenaires/$"))
    expect(nav.locator("summary[aria-current='true']")).to_have_text("Administration")
    expect(nav.locator("a[aria-current='page']")).to_have_count(1)
    assert nav.locator("a[aria-current='page']").get_attribute("href") == "/partenaires/"

    # A click elsewhere on the page closes an open group.
    nav.get_by_text("Parcours des jeunes", exact=True).click()
    expect(nav.get_by_role("link", name="Couverture")).to_be_visible()
    page.locator(".site-footer").click()
    expect(nav.get_by_role("link", name="Couverture")).to_be_hidden()


def test_on_a_phone_the_groups_fit_and_open_below(browser, live_server, e2e_world):
    pilot = UserFactory(with_totp=True)
    MembershipFactory(user=pilot, organisation=e2e_world["departement"], role=Role.PILOT)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 400, "height": 800}
    )
    page = context.new_page()
    login(page, pilot)
    nav = page.get_by_role("navigation", name="Navigation principale")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # nothing sticks out sideways
    expect(nav).to_be_hidden()  # behind the « Menu » button on a phone
    page.get_by_role("button", name="Menu").click()
    nav.get_by_text("Pilotage", exact=True).click()
    dashboard = nav.get_by_role("link", name="Tableau de bord")
    expect(dashboard).to_be_visible()
    box = dashboard.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 400
    assert_accessible(page)
    dashboard.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    context.close()


def test_a_platform_administrator_reads_and_downloads_the_national_view(page, e2e_world):
    admin = UserFactory(with_totp=True, is_staff=True)
    login(page, admin)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Vue nationale"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vue nationale")
    table = page.locator("table.table--wide")
    expect(table.locator("tbody th")).to_have_text(["44 — Département A", "85 — Département B"])
    expect(table.locator("tfoot th")).to_have_text("Total France entière")
    assert_accessible(page)

    page.get_by_label("Période", exact=True).select_option("2026-T1")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("pour 1er trimestre 2026")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableau (xlsx)").click()
    download = download_info.value
    assert download.suggested_filename == "binome-vue-nationale-2026-T1.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "44 — Département A" in labels and "Total France entière" in labels
