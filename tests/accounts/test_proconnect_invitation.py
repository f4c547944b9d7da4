"""An invited agent accepts the invitation through ProConnect: « S'identifier avec ProConnect » on the
invitation page creates the account bound to that identity, when ProConnect vouches for the invited
address. Stored identities keep only `sub` and `amr`. Same real provider as test_proconnect.py."""

import importlib

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.test import Client
from django.urls import reverse

from binome.accounts.models import Invitation, Membership, Role, User
from binome.accounts.services import invitation_issue
from tests.accounts.proconnect_idp import AGENTS, sign_in_at_idp
from tests.accounts.test_proconnect import (  # noqa: F401 (fixtures)
    DOUBLE,
    SIMPLE,
    SITE,
    idp,
    member_with,
    onward,
    proconnect,
    proconnect_login,
)


def invite(world, email, role=Role.VIEWER):
    inviter = member_with("pilote@cd44.example", world)
    return invitation_issue(organisation=world["departement"], email=email, role=role, invited_by=inviter)


def accept_through_proconnect(client, path, agent):
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "S'identifier avec" in html and reverse("proconnect_invitation") in html
    token = path.rstrip("/").rsplit("/", 1)[1]
    authorization = onward(client.post(reverse("proconnect_invitation"), {"token": token}))
    callback = sign_in_at_idp(requests.Session(), authorization, agent, SITE)
    path, _, query = callback.partition("?")
    return client.get(path.replace(SITE, ""), dict(p.split("=", 1) for p in query.split("&")))


def test_an_invited_agent_creates_the_account_with_proconnect(proconnect, world):  # noqa: F811
    invitation, path = invite(world, DOUBLE)
    client = Client()
    response = accept_through_proconnect(client, path, DOUBLE)
    assert response.status_code == 302
    user = User.objects.get(email=DOUBLE.lower())
    agent = AGENTS[DOUBLE]
    assert (user.first_name, user.last_name) == (agent["given_name"], agent["usual_name"])
    assert not user.has_usable_password()  # signs in through ProConnect, never with a password
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.is_active) == (
        world["departement"],
        Role.VIEWER,
        True,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    account = SocialAccount.objects.get(user=user)
    assert account.uid == agent["sub"]
    assert account.extra_data == {"sub": agent["sub"], "amr": agent["amr"]}
    # Two factors at ProConnect: the session is open, on the organisation of the invitation.
    home = client.get(reverse("home"))
    assert home.status_code == 200 and home.wsgi_request.user == user
    # Later, ProConnect alone signs in again, found by its sub.
    later = Client()
    proconnect_login(later, DOUBLE)
    assert later.get(reverse("home")).wsgi_request.user == user


def test_an_identity_with_another_address_creates_nothing_and_keeps_the_invitation(proconnect, world):  # noqa: F811
    invitation, path = invite(world, "autre.adresse@cd44.example")
    users = User.objects.count()
    response = accept_through_proconnect(Client(), path, SIMPLE)
    assert response.status_code == 403
    page = response.content.decode()
    assert "ne correspond pas à l'invitation" in page and "autre.adresse@cd44.example" in page
    assert User.objects.count() == users and not SocialAccount.objects.exists()
    invitation.refresh_from_db()
    assert invitation.is_pending
    # The same browser, logging in afterwards with ProConnect, is not taken for the invitation.
    assert proconnect_login(Client(), SIMPLE).status_code == 403


def test_a_forged_or_used_token_is_refused(proconnect, world):  # noqa: F811
    client = Client()
    assert client.post(reverse("proconnect_invitation"), {"token": "forged"}).status_code == 404
    assert client.post(reverse("proconnect_invitation"), {}).status_code == 404
    invitation, path = invite(world, DOUBLE)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at="2026-01-01T00:00Z")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("proconnect_invitation"), {"token": token}).status_code == 410
    assert client.get(reverse("proconnect_invitation")).status_code == 405


def test_a_login_stores_only_sub_and_amr(proconnect, world):  # noqa: F811
    member_with(SIMPLE, world, totp=True)
    proconnect_login(Client(), SIMPLE)
    agent = AGENTS[SIMPLE]
    assert SocialAccount.objects.get().extra_data == {"sub": agent["sub"], "amr": ["pwd"]}


def test_identities_stored_before_are_trimmed(world):
    user = member_with(DOUBLE, world)
    agent = AGENTS[DOUBLE]
    account = SocialAccount.objects.create(
        user=user,
        provider="proconnect",
        uid=agent["sub"],
        extra_data={"userinfo": {"email": DOUBLE, "given_name": "Camille"}, "id_token": {**agent}},
    )
    migration = importlib.import_module("binome.accounts.proconnect.migrations.0001_trim_extra_data")
    migration.trim(apps, None)
    account.refresh_from_db()
    assert account.extra_data == {"sub": agent["sub"], "amr": agent["amr"]}


def test_the_invitation_page_offers_proconnect_only_when_configured(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"proconnect": {"APPS": []}}
    _, path = invite(world, "x@cd44.example")
    page = Client().get(path).content.decode()
    assert "Créer mon compte" in page and "ProConnect" not in page


@pytest.mark.django_db
def test_an_empty_password_never_makes_a_usable_one(world):
    _, path = invite(world, "y@cd44.example")
    from binome.accounts.services import invitation_accept, invitation_from_token

    invitation = invitation_from_token(path.rstrip("/").rsplit("/", 1)[1])
    user = invitation_accept(invitation=invitation, first_name="Y", last_name="Z", password="").user
    assert not user.has_usable_password()
