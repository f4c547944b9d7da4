"""The referrer's and the coordinator's daily tasks with the keyboard alone: Tab reaches each control in
a sensible order with a visible focus, Enter and Space act, nothing traps the focus."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login
from tests.mentorships.factories import active_pair
from tests.youths.factories import YouthFactory

MAX_TABS = 120


def tab_to(page, target):
    """Tab until `target` has the focus; each control on the way shows where the focus is."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        visible = page.evaluate(
            """el => { const s = getComputedStyle(el);
                // Chromium highlights the focused part of a date field itself.
                if (el.type === 'date' || el.type === 'datetime-local') return true;
                return el === document.body || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                  || s.boxShadow !== 'none' || s.textDecorationLine.includes('underline'); }""",
            focused,
        )
        assert visible, f"focus invisible on {page.evaluate('el => el.outerHTML.slice(0, 120)', focused)}"
        if page.evaluate("([a, b]) => a === b", [focused, handle]):
            return
    raise AssertionError(f"{target} never reached with Tab (a trap, or out of order)")


def member(world, role, key):
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def test_the_referrer_finds_a_youth_records_an_assessment_and_sends_the_orientation(page, e2e_world):
    referrer = member(e2e_world, Role.REFERRER, "ase_service")
    YouthFactory(
        ase_service=e2e_world["ase_service"],
        proposal_accepted=True,
        consented=True,
        first_name="Inès",
        last_name="Le Bihan",
    )
    YouthFactory(ase_service=e2e_world["ase_service"], ready=True, first_name="Paul", last_name="Durand")
    login(page, referrer)
    page.goto("/")
    page.wait_for_load_state("load")

    # The skip link comes first and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Find the youth: the menu, the search, the result.
    page.keyboard.press("Shift+Tab")
    tab_to(
        page, page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Jeunes")
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeunes")
    tab_to(page, page.get_by_role("searchbox"))
    page.keyboard.type("le bihan")
    page.keyboard.press("Enter")
    result = page.get_by_role("link", name=re.compile("Le Bihan"))
    expect(result).to_be_visible()
    expect(page.get_by_text("Durand")).to_have_count(0)
    tab_to(page, result)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inès")

    # Record the assessment.
    tab_to(page, page.get_by_role("link", name="Enregistrer une évaluation"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label(re.compile(r"^Date de l'évaluation")))
    page.keyboard.type("01112026")
    tab_to(page, page.get_by_label(re.compile(r"^Réalisée par")))
    page.keyboard.type("Julie Renaud, éducatrice")
    interest = page.get_by_label("Le mentorat est dans l'intérêt du jeune")
    tab_to(page, page.get_by_role("radio").first)
    for _ in range(5):
        if interest.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(interest).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Enregistrer"))
    page.keyboard.press("Enter")
    expect(page.locator(".alert--success")).to_be_visible()
    assert_accessible(page)

    # Send the orientation.
    tab_to(page, page.get_by_role("link", name="Créer la fiche d'orientation"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Message pour l'association"))
    page.keyboard.type("Inès aime le dessin.")
    tab_to(page, page.get_by_role("button", name="Transmettre au département"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("À orienter par le département")).to_be_visible()


def test_the_coordinator_plans_a_meeting_with_the_keyboard(page, e2e_world):
    coordinator = member(e2e_world, Role.COORDINATOR, "association")
    active_pair(e2e_world, coordinator, first_name="Yanis", last_name="Aubert")
    login(page, coordinator)
    page.goto("/binomes/")
    page.wait_for_load_state("load")
    pair = page.get_by_role("link", name=re.compile("Yanis Aubert"))
    tab_to(page, pair)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yanis")

    # 12/12 next year reads the same day first or month first, whatever the browser's date format.
    tab_to(page, page.locator("#meeting_at"))
    page.keyboard.type(f"1212{timezone.localdate().year + 1}")
    page.keyboard.press("Tab")  # a year may have six digits: Tab moves on to the hour
    page.keyboard.type("1430")
    status = page.get_by_label(re.compile("^La rencontre"))
    tab_to(page, status)
    page.keyboard.type("P")  # a closed list picks the option its first letter names
    expect(status).to_have_value("planned")
    tab_to(page, page.locator("#meeting_note"))
    page.keyboard.type("Bibliothèque, exercices de fractions")
    tab_to(page, page.get_by_role("button", name="Enregistrer la rencontre"))
    page.keyboard.press("Enter")
    expect(page.locator(".alert--success")).to_be_visible()
    expect(page.locator("#rencontres")).to_contain_text("Bibliothèque, exercices de fractions")
    assert_accessible(page)
