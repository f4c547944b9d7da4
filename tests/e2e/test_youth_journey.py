"""The youth pathway as the three organisations live it, in Chromium."""

import re

from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.territories.models import Commune, Territory
from binome.youths.models import Referral, ReferralState
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_member(world, role, key, **kwargs):
    user = UserFactory(with_totp=True, **kwargs)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def save_and_expect(page, button="Enregistrer"):
    page.get_by_role("button", name=button).click()
    expect(page.locator(".alert--success")).to_be_visible()


def test_referrer_to_departement_to_association(browser, live_server, page, e2e_world):
    nantes = Commune.objects.create(
        insee_code="44109", name="Nantes", departement_code="44", postal_codes=["44000"]
    )
    territory = Territory.objects.create(departement=e2e_world["departement"], name="Territoire de Nantes")
    territory.communes.add(nantes)
    referrer = make_member(e2e_world, Role.REFERRER, "ase_service", first_name="Julie")
    pilot = make_member(e2e_world, Role.PILOT, "departement")
    manager = make_member(e2e_world, Role.MANAGER, "association")

    # The referrer creates the youth.
    login(page, referrer)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Jeunes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter un jeune").click()
    page.get_by_label(re.compile(r"^Prénom")).fill("Lina")
    page.get_by_label(re.compile(r"^Nom \(")).fill("Moreau")
    page.get_by_label(re.compile(r"^Date de naissance")).fill("2012-03-14")
    page.get_by_label(re.compile(r"^Genre")).select_option("f")
    page.get_by_label(re.compile(r"^Situation juridique")).select_option("parents")
    page.get_by_label(re.compile(r"^Commune")).select_option(label="Nantes (44000)")
    page.get_by_label("Soutien scolaire").check()
    assert_accessible(page)
    save_and_expect(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lina Moreau")
    expect(page.get_by_text("Territoire de Nantes")).to_be_visible()
    assert_accessible(page)
    youth_url = page.url

    # Assessment, then proposal (art. D.221-34: the proposal follows a valid assessment), consents.
    expect(page.get_by_role("link", name="Enregistrer l'issue de la proposition")).to_have_count(0)
    page.get_by_role("link", name="Enregistrer une évaluation").click()
    page.get_by_label(re.compile(r"^Date de l'évaluation")).fill("2026-11-01")
    page.get_by_label(re.compile(r"^Réalisée par")).fill("Julie Renaud, éducatrice")
    page.get_by_label("Le mentorat est dans l'intérêt du jeune").check()
    save_and_expect(page)
    page.get_by_role("link", name="Enregistrer l'issue de la proposition").click()
    page.get_by_label("Acceptée").check()
    page.get_by_label(re.compile(r"^Date de la proposition")).fill("2026-11-02")
    save_and_expect(page)
    expect(page.get_by_text("Il manque l'avis et l'adhésion du jeune")).to_be_visible()

    for kind, who, method in [
        ("youth_adhesion", "Lina", "oral"),
        ("parent", "Mme Moreau, mère", "written"),
        ("parent", "M. Moreau, père", "written"),
    ]:
        page.get_by_role("link", name="Enregistrer un consentement").click()
        page.get_by_label(re.compile(r"^Consentement")).select_option(kind)
        page.get_by_label(re.compile(r"^Donné par")).fill(who)
        page.get_by_label(re.compile(r"^Date")).fill("2026-11-03")
        page.get_by_label(re.compile(r"^Comment")).select_option(method)
        if method == "written":
            page.get_by_label(re.compile(r"^Document signé")).set_input_files(
                {"name": "accord.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
        save_and_expect(page)
    expect(page.get_by_text("Consentements complets")).to_be_visible()

    # The referral goes to the département.
    page.get_by_role("link", name="Créer la fiche d'orientation").click()
    page.get_by_label("Message pour l'association").fill("Lina aime le dessin ; préfère les mercredis.")
    page.get_by_role("button", name="Transmettre au département").click()
    expect(page.get_by_text("À orienter par le département")).to_be_visible()

    # The pilot routes it.
    pilot_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    login(pilot_page, pilot)
    pilot_nav = pilot_page.get_by_role("navigation", name="Navigation principale")
    pilot_nav.get_by_text("Parcours des jeunes", exact=True).click()
    pilot_nav.get_by_role("link", name="Orientations").click()
    expect(pilot_page).to_have_url(re.compile("/orientations/"))
    assert_accessible(pilot_page)
    pilot_page.get_by_role("link", name=re.compile("Orienter")).click()
    assert_accessible(pilot_page)
    pilot_page.get_by_label(re.compile(r"^Association")).select_option(label="Association A")
    pilot_page.get_by_role("button", name="Confier l'orientation").click()
    expect(pilot_page.locator(".alert--success")).to_contain_text("Association A")

    # The association sees a semi-anonymised profile, then accepts.
    association_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    login(association_page, manager)
    association_page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Orientations reçues"
    ).click()
    association_page.get_by_role("link", name="Lina").click()
    expect(association_page.get_by_role("heading", level=1)).to_have_text("Lina, 14 ans")
    expect(association_page.get_by_text("Moreau")).to_have_count(0)
    expect(association_page.get_by_text("préfère les mercredis")).to_have_count(0)
    assert_accessible(association_page)
    association_page.get_by_role("button", name="Accepter l'orientation").click()
    expect(association_page.get_by_role("heading", level=1)).to_have_text("Lina Moreau, 14 ans")
    expect(association_page.get_by_text("préfère les mercredis")).to_be_visible()

    # The referrer's timeline shows every step.
    page.goto(youth_url)
    timeline = page.locator(".timeline")
    for step in (
        "Fiche créée",
        "Proposition de mentorat",
        "Évaluation de situation enregistrée",
        "Orientation transmise au département",
        "Orientée vers une association",
        "Acceptée par l'association",
    ):
        expect(timeline.get_by_text(step)).to_be_visible()
    assert Referral.objects.get().state == ReferralState.ACCEPTED
