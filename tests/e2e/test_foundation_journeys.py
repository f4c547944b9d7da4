"""The foundation as people use it: login with MFA, invitations, switching organisation, logout."""

import re

from django.core import mail
from playwright.sync_api import expect

from binome.accounts.models import Membership, Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, fresh_totp_code, login


def make_member(world, role, key, **kwargs):
    user = UserFactory(with_totp=True, **kwargs)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def test_login_with_authenticator_code_then_logout(page, e2e_world):
    pilot = make_member(e2e_world, Role.PILOT, "departement", first_name="Nadia")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    assert_accessible(page)
    page.get_by_label("Courriel").fill(pilot.email)
    page.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.get_by_label("Code").fill(fresh_totp_code(pilot.totp_secret_for_tests))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Navigation principale")
    for link in ("Partenaires", "Conventions", "Équipe", "Journal d'accès"):
        nav.get_by_text("Administration", exact=True).click()  # the group opens, as a person would
        nav.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    page.locator(".account__menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))


def test_invited_colleague_creates_account_and_must_set_up_mfa(page, e2e_world, browser, live_server):
    manager = make_member(e2e_world, Role.MANAGER, "association")
    login(page, manager)
    page.goto("/equipe/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail professionnelle").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#id_email_error")).to_contain_text("adresse e-mail valide")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail professionnelle").fill("ines.roux@asso.example")
    page.get_by_label("Rôle").select_option(label="Chargé·e de mentorat")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".alert--success")).to_contain_text("invitation a été envoyée")
    expect(page.get_by_text("ines.roux@asso.example", exact=True)).to_be_visible()

    link = re.search(r"https?://\S+(/invitation/\S+/)", mail.outbox[-1].body).group(1)
    newcomer = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    newcomer.goto(link)
    assert_accessible(newcomer)
    newcomer.get_by_label("Prénom").fill("Inès")
    newcomer.get_by_label(re.compile(r"^Nom")).fill("Roux")
    newcomer.get_by_label(re.compile(r"^Mot de passe")).fill("court")
    newcomer.get_by_label("Confirmez le mot de passe").fill("court")
    newcomer.get_by_role("button", name="Créer mon compte").click()
    expect(newcomer.locator("#id_password1_error")).to_be_visible()
    expect(newcomer.get_by_label("Prénom")).to_have_value("Inès")
    newcomer.get_by_label(re.compile(r"^Mot de passe")).fill("Une-phrase-de-passe-longue")
    newcomer.get_by_label("Confirmez le mot de passe").fill("Une-phrase-de-passe-longue")
    newcomer.get_by_role("button", name="Créer mon compte").click()

    # Straight to the authenticator set-up: nothing else is reachable before.
    expect(newcomer).to_have_url(re.compile(r"/comptes/2fa/totp/activate/"))
    assert_accessible(newcomer)
    newcomer.goto("/equipe/")
    expect(newcomer).to_have_url(re.compile(r"/comptes/2fa/totp/activate/"))
    secret = newcomer.locator("#authenticator_secret").input_value()
    newcomer.get_by_label("Code").fill(fresh_totp_code(secret))
    newcomer.get_by_role("button", name="Activer").click()
    # The recovery codes are shown at once, without asking for the password again.
    expect(newcomer).to_have_url(re.compile(r"/comptes/2fa/recovery-codes/"))
    assert_accessible(newcomer)
    newcomer.goto("/")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    assert Membership.objects.get(user__email="ines.roux@asso.example").role == Role.COORDINATOR


def test_switching_organisation_changes_what_is_shown(page, e2e_world):
    user = make_member(e2e_world, Role.COORDINATOR, "association", first_name="Maël")
    as_pilot = MembershipFactory(user=user, organisation=e2e_world["departement"], role=Role.PILOT)
    as_coordinator = user.memberships.get(role=Role.COORDINATOR)
    login(page, user)
    page.get_by_label("Organisation").select_option(value=str(as_pilot.pk))
    page.get_by_role("button", name="Changer").click()
    expect(page.locator(".alert--success")).to_contain_text("Département A")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Administration", exact=True).click()
    expect(nav.get_by_role("link", name="Partenaires")).to_be_visible()
    page.get_by_label("Organisation").select_option(value=str(as_coordinator.pk))
    page.get_by_role("button", name="Changer").click()
    expect(page.locator(".alert--success")).to_contain_text("Association A")
    expect(nav.locator("a", has_text="Partenaires")).to_have_count(0)  # not merely hidden in a closed group
    page.goto("/partenaires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")


def test_the_accessibility_audit_does_catch_violations(page):
    page.set_content('<html lang="fr"><body><main><img src="x.png"><input type="text"></main></body></html>')
    try:
        assert_accessible(page)
    except AssertionError as error:
        assert "image-alt" in str(error) and "label" in str(error)
    else:
        raise AssertionError("axe n'a rien détecté sur une page fautive")
