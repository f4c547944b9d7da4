"""ProConnect sign-in against a real OpenID Connect provider (oidc-provider) run on 127.0.0.1.

Binôme is driven with Django's test client; the agent's browser at ProConnect is a `requests`
session; Binôme's back-channel calls (discovery, token, JWKS, signed userinfo) are real HTTP.
"""

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.test import Client, RequestFactory
from django.urls import reverse

from binome.accounts.models import Membership, Role, User
from binome.accounts.proconnect.session import SESSION_KEY, has_second_factor
from binome.accounts.proconnect.views import ProConnectOAuth2Adapter
from binome.accounts.services import invitation_create
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.proconnect_idp import (
    AGENTS,
    CLIENT_ID,
    CLIENT_SECRET,
    provider_settings,
    running_idp,
    sign_in_at_idp,
)

SITE = "http://testserver"
CALLBACK = SITE + "/comptes/proconnect/login/callback/"
DOUBLE = "Agent.Double@Loire-Atlantique.fr"  # reports pwd + totp + mfa
SIMPLE = "agent.simple@loire-atlantique.fr"  # reports pwd only
UNKNOWN = "inconnu@interieur.gouv.fr"


@pytest.fixture(scope="module")
def idp():
    with running_idp(SITE) as issuer:
        yield issuer


@pytest.fixture
def proconnect(idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(idp)
    settings.BINOME_SITE_URL = SITE
    return idp


def member_with(email, world, *, totp=True, role=Role.PILOT):
    user = UserFactory(email=email.lower(), with_totp=totp) if totp else UserFactory(email=email.lower())
    MembershipFactory(user=user, organisation=world["departement"], role=role)
    return user


def start(client, path=None):
    """Click « S'identifier avec ProConnect »; returns the authorization URL Binôme sends the browser to."""
    return onward(client.post(path or reverse("proconnect_login")))


def onward(response):
    """The page that sends the browser on to ProConnect (a refresh, not a redirect: see views.py)."""
    assert response.status_code == 200
    url = response.context["url"]
    assert f'content="0;url={url.replace("&", "&amp;")}"' in response.content.decode()
    return url


def proconnect_login(client, email, browser=None):
    browser = browser or requests.Session()
    callback = sign_in_at_idp(browser, start(client), email, SITE)
    parts = urlsplit(callback)
    assert parts.path == reverse("proconnect_callback")
    return client.get(parts.path, parse_qs(parts.query))


def code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- off unless configured ------------------------------------------------------------------


def test_no_button_and_no_flow_when_not_configured(db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"proconnect": {"APPS": []}}
    client = Client()
    assert "ProConnect" not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("proconnect_login")).status_code == 404
    assert client.get(reverse("proconnect_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_login_page_offers_proconnect_when_configured(proconnect, db):
    page = Client().get(reverse("account_login")).content.decode()
    assert "S'identifier avec" in page and "ProConnect" in page
    assert reverse("proconnect_login") in page
    assert "Qu'est-ce que ProConnect ?" in page


def test_the_authorization_request_is_what_proconnect_expects(proconnect, db):
    query = parse_qs(urlsplit(start(Client())).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["response_type"] == ["code"]
    assert query["acr_values"] == ["eidas1"]
    assert json.loads(query["claims"][0]) == {"id_token": {"amr": {"essential": True}}}
    assert set(query["scope"][0].split()) == {
        "openid",
        "email",
        "given_name",
        "usual_name",
        "uid",
        "siret",
        "idp_id",
    }
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    # ProConnect answers Y000400 to any parameter it does not know.
    assert set(query) == {
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "acr_values",
        "claims",
        "nonce",
    }


def test_parameters_in_the_query_string_do_not_reach_proconnect(proconnect, db):
    url = start(Client(), reverse("proconnect_login") + "?scope=phone&auth_params=prompt%3Dnone")
    query = parse_qs(urlsplit(url).query)
    assert "phone" not in query["scope"][0] and "prompt" not in query


# --- linking and MFA ---------------------------------------------------------------------------


def test_second_factor_at_proconnect_opens_the_session_without_binome_code(proconnect, world):
    user = member_with(DOUBLE, world)
    client = Client()
    response = proconnect_login(client, DOUBLE)
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 200
    account = SocialAccount.objects.get(provider="proconnect")
    assert account.user == user and account.uid == AGENTS[DOUBLE]["sub"]
    assert client.session[SESSION_KEY]["second_factor"] is True


def test_second_factor_at_proconnect_spares_the_authenticator_set_up(proconnect, world):
    member_with(DOUBLE, world, totp=False)
    client = Client()
    proconnect_login(client, DOUBLE)
    assert client.get(reverse("home")).status_code == 200  # RequireMFAMiddleware lets it through


def test_password_only_at_proconnect_still_asks_for_binome_code(proconnect, world):
    user = member_with(SIMPLE, world)
    client = Client()
    response = proconnect_login(client, SIMPLE)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": code(user.totp_secret_for_tests)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.session[SESSION_KEY]["second_factor"] is False


def test_password_only_at_proconnect_without_authenticator_must_set_one_up(proconnect, world):
    member_with(SIMPLE, world, totp=False)
    client = Client()
    proconnect_login(client, SIMPLE)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_linked_identity_is_found_again_by_its_sub(proconnect, world):
    user = member_with(DOUBLE, world)
    proconnect_login(Client(), DOUBLE)
    user.email = "nouvelle.adresse@loire-atlantique.fr"  # the account's address changed meanwhile
    user.save()
    client = Client()
    proconnect_login(client, DOUBLE)
    assert client.get(reverse("home")).wsgi_request.user == user
    assert SocialAccount.objects.count() == 1


def test_an_identity_without_account_gets_a_french_page_and_creates_nothing(proconnect, world):
    users, memberships = User.objects.count(), Membership.objects.count()
    client = Client()
    response = proconnect_login(client, UNKNOWN)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Pas encore de compte Binôme" in page
    assert "Demandez une invitation" in page
    assert "Se déconnecter de ProConnect" in page
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert not SocialAccount.objects.exists()
    assert client.get(reverse("home")).status_code == 302  # still anonymous


def test_a_pending_invitation_is_pointed_to(proconnect, world):
    inviter = member_with("pilote@cd44.example", world)
    invitation_create(organisation=world["departement"], email=UNKNOWN, role=Role.VIEWER, invited_by=inviter)
    response = proconnect_login(Client(), UNKNOWN)
    assert response.status_code == 403
    assert "Une invitation vous attend" in response.content.decode()
    assert not User.objects.filter(email=UNKNOWN).exists()


def test_a_deactivated_account_is_not_linked(proconnect, world):
    user = member_with(DOUBLE, world)
    user.is_active = False
    user.save()
    response = proconnect_login(Client(), DOUBLE)
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_callback_replayed_is_refused(proconnect, world):
    member_with(DOUBLE, world)
    client = Client()
    callback = sign_in_at_idp(requests.Session(), start(client), DOUBLE, SITE)
    parts = urlsplit(callback)
    assert client.get(parts.path, parse_qs(parts.query)).status_code == 302
    client.post(reverse("account_logout"))
    replay = client.get(parts.path, parse_qs(parts.query))
    assert replay.status_code == 401
    assert "La connexion avec ProConnect n'a pas abouti" in replay.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_an_agent_who_gives_up_at_proconnect_gets_a_french_page(proconnect, db):
    client = Client()
    callback = sign_in_at_idp(requests.Session(), start(client), "personne@nulle-part.example", SITE)
    parts = urlsplit(callback)
    assert parse_qs(parts.query)["error"] == ["access_denied"]
    response = client.get(parts.path, parse_qs(parts.query), follow=True)
    assert "Connexion avec ProConnect annulée" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


# --- tokens are checked against the provider's keys --------------------------------------------


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_tokens_are_refused(proconnect, world):
    member_with(DOUBLE, world)
    client = Client()
    proconnect_login(client, DOUBLE)
    genuine = client.session[SESSION_KEY]["id_token"]
    request = RequestFactory().get("/")
    request.session = {}
    adapter = ProConnectOAuth2Adapter(request)
    app = adapter.get_provider().app
    assert adapter.verify_jwt(genuine, app)["sub"] == AGENTS[DOUBLE]["sub"]

    header, _payload, signature = genuine.split(".")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    other_sub = f"{header}.{_b64({**claims, 'sub': AGENTS[UNKNOWN]['sub']})}.{signature}"
    hmac_with_secret = jwt.encode(
        claims, CLIENT_SECRET, algorithm="HS256", headers={"kid": "proconnect-test"}
    )
    unsigned = jwt.encode(claims, None, algorithm="none")
    for forged in (other_sub, hmac_with_secret, unsigned):
        with pytest.raises(OAuth2Error):
            adapter.verify_jwt(forged, app)


@pytest.mark.parametrize(
    ("amr", "expected"),
    [
        (["pwd", "totp", "mfa"], True),
        (["mfa"], True),
        (["pwd", "pop"], True),
        (["pwd"], False),
        (["mail"], False),
        (["totp"], False),
        ([], False),
        (None, False),
        ("mfa", False),
        ([["mfa"]], False),
    ],
)
def test_what_counts_as_a_second_factor(amr, expected):
    assert has_second_factor(amr) is expected


# --- logout through the federation ---------------------------------------------------------------


def test_logout_goes_through_proconnect_and_ends_its_session(proconnect, world):
    member_with(DOUBLE, world)
    client, browser = Client(), requests.Session()
    proconnect_login(client, DOUBLE, browser)
    id_token = client.session[SESSION_KEY]["id_token"]

    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("proconnect_logout_continue")
    assert client.get(reverse("home")).status_code == 302  # Binôme's session ended at once
    end_session_url = onward(client.get(response["Location"]))
    end_session = urlsplit(end_session_url)
    assert end_session.path == "/api/v2/session/end"
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [SITE + reverse("proconnect_logout_done")]

    # ProConnect asks for confirmation, then sends the browser back with the state.
    confirm = browser.get(end_session_url, timeout=10)
    xsrf = confirm.text.split('name="xsrf" value="')[1].split('"')[0]
    action = confirm.text.split('action="')[1].split('"')[0]
    back = browser.post(
        requests.compat.urljoin(end_session_url, action),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    returned = urlsplit(back.headers["Location"])
    assert SITE + returned.path == query["post_logout_redirect_uri"][0]
    assert parse_qs(returned.query)["state"] == query["state"]
    done = client.get(returned.path, parse_qs(returned.query), follow=True)
    assert "Vous êtes déconnecté·e de Binôme et de ProConnect." in done.content.decode()

    # ProConnect's session is gone: signing in again asks the agent who they are.
    again = browser.get(start(client), allow_redirects=False, timeout=10)
    assert "/interaction/" in again.headers["Location"]


def test_the_no_account_page_lets_the_agent_leave_proconnect(proconnect, world):
    client = Client()
    proconnect_login(client, UNKNOWN)
    url = onward(client.post(reverse("proconnect_end_federation_session")))
    assert urlsplit(url).path == "/api/v2/session/end"
    assert parse_qs(urlsplit(url).query)["id_token_hint"]


def test_a_logout_return_with_a_state_we_did_not_sign_is_refused(db):
    response = Client().get(reverse("proconnect_logout_done"), {"state": "x" * 40})
    assert response.status_code == 400
    assert "non reconnu" in response.content.decode()


def test_a_password_login_does_not_go_through_proconnect_on_logout(proconnect, world):
    from tests.accounts.test_login_security import PASSWORD

    user = member_with("pilote@cd44.example", world)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code(user.totp_secret_for_tests)})
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")
