"""An agent signs in with ProConnect in Chromium, against oidc-provider run like ProConnect on 127.0.0.1."""

import re

import pytest
from playwright.sync_api import expect

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.proconnect_idp import provider_settings, running_idp
from tests.e2e.conftest import assert_accessible

DOUBLE = "Agent.Double@Loire-Atlantique.fr"  # the provider reports pwd + totp + mfa
UNKNOWN = "inconnu@interieur.gouv.fr"


@pytest.fixture
def proconnect(live_server, settings):
    with running_idp(live_server.url) as issuer:
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(issuer)
        settings.BINOME_SITE_URL = live_server.url
        yield issuer


def sign_in(page, email):
    page.goto("/comptes/login/")
    page.get_by_role("button", name="S'identifier avec ProConnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à ProConnect")
    page.get_by_label("Adresse e-mail professionnelle").fill(email)
    page.get_by_role("button", name="Continuer").click()


def test_agent_signs_in_with_proconnect_then_logs_out_through_it(page, e2e_world, proconnect):
    user = UserFactory(with_totp=True, email=DOUBLE.lower(), first_name="Camille")
    MembershipFactory(user=user, organisation=e2e_world["departement"], role=Role.PILOT)

    page.goto("/comptes/login/")
    expect(page.get_by_role("link", name="Qu'est-ce que ProConnect ?")).to_be_visible()
    assert_accessible(page)
    sign_in(page, DOUBLE)
    # Two factors at ProConnect: no code asked by Binôme.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")

    page.locator(".account__menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déconnexion de ProConnect")
    page.get_by_role("button", name="Se déconnecter de ProConnect").click()
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    expect(page.locator(".alert--success")).to_contain_text("déconnecté·e de Binôme et de ProConnect")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))


def test_agent_without_account_is_told_to_ask_for_an_invitation(page, e2e_world, proconnect):
    sign_in(page, UNKNOWN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pas encore de compte Binôme")
    expect(page.get_by_text("Demandez une invitation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter de ProConnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déconnexion de ProConnect")
