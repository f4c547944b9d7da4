"""axe on every page of the permission matrix, for every role that may open it: no finding of any
impact. And the phone header: one line, the account and the menu behind one button."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import AXE, login
from tests.pages import sample


def _user(world, role):
    organisation = world[{"pilot": "departement", "viewer": "departement", "manager": "association",
                          "coordinator": "association", "referrer": "ase_service"}[role]]  # fmt: skip
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.mark.parametrize("role", sample.ROLES)
def test_axe_finds_nothing_on_any_page(role, page, e2e_world):
    users = {r: _user(e2e_world, r) for r in (role, Role.COORDINATOR)}
    sample.build(e2e_world, users[Role.COORDINATOR])
    user = users[role]
    login(page, user)
    findings = []
    for name, url in sample.pages(user):
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download, an empty answer: no page to check
            continue
        if (
            response is None
            or response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        page.wait_for_load_state("load")
        for v in AXE.run(page).response["violations"]:
            findings.append(f"{name}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:2]}")
    assert findings == [], "\n".join(findings)


def test_on_a_390_px_phone_the_header_is_one_line_and_the_menu_one_button(browser, live_server, e2e_world):
    user = _user(e2e_world, Role.REFERRER)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    login(page, user)
    page.goto("/jeunes/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    assert heading.bounding_box()["y"] < 200  # the page starts at once, under a compact header
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Accueil")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
