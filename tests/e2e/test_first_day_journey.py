"""Issue 19 as people do it: the pilot adds an association (a typo in the SIRET first), the pilot of
another département finds it and proposes a convention, the administrator sees it on her pages."""

from django.core import mail
from playwright.sync_api import expect

from binome.accounts.models import Organisation, Role
from binome.conventions.models import Convention
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login


def make_member(organisation, role, **kwargs):
    user = UserFactory(with_totp=True, **kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_an_association_added_once_then_found_by_another_departement(page, e2e_world, browser, live_server):
    pilot = make_member(e2e_world["departement"], Role.PILOT)
    login(page, pilot)
    page.goto("/partenaires/")
    page.get_by_role("link", name="Ajouter une association").click()
    assert_accessible(page)
    page.get_by_label("Nom, SIRET (ou SIREN) ou numéro RNA").fill("Mentorat Loire")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucune association ne correspond")).to_be_visible()
    page.get_by_role("link", name="Elle n'y est pas : créer l'association").click()
    assert_accessible(page)
    page.get_by_label("Nom de l'association").fill("Mentorat Loire Solidaire")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("E-mail de la ou du responsable").fill("direction@loire.example")
    page.get_by_role("button", name="Créer l'association").click()
    expect(page.locator("#id_siret_error")).to_contain_text("clé de contrôle")
    assert_accessible(page)
    expect(page.get_by_label("Nom de l'association")).to_have_value("Mentorat Loire Solidaire")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Créer l'association").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentorat Loire Solidaire")
    assert mail.outbox[-1].to == ["direction@loire.example"]

    other = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    login(other, make_member(e2e_world["other_departement"], Role.PILOT))
    other.goto("/partenaires/associations/ajouter/")
    other.get_by_label("Nom, SIRET (ou SIREN) ou numéro RNA").fill("732829320")
    other.get_by_role("button", name="Rechercher").click()
    other.get_by_role("link", name="Proposer une convention").click()
    expect(other.locator("#id_association")).to_have_value(
        str(Organisation.objects.get(siret="73282932000074").pk)
    )
    other.get_by_label("Début").fill("2026-01-01")
    other.get_by_role("button", name="Enregistrer").click()
    expect(other.locator(".messages")).to_contain_text("quand son ou sa responsable l'aura acceptée")
    convention = Convention.objects.get(
        departement=e2e_world["other_departement"], association__siret="73282932000074"
    )
    assert convention.accepted_at is None

    admin = UserFactory(with_totp=True, is_staff=True, is_superuser=True)
    page.context.clear_cookies()
    login(page, admin)
    page.goto("/plateforme/organisations/?type=associations")
    assert_accessible(page)
    page.get_by_role("link", name="Mentorat Loire Solidaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentorat Loire Solidaire")
    assert_accessible(page)
