"""ProConnect out of reach, eIDAS level, platform administrators, caching of the discovery document and
keys, clock skew. Same real provider as test_proconnect.py; an unreachable or broken ProConnect is a
closed port or a local server answering garbage."""

# ruff: noqa: F811 (the fixtures imported from test_proconnect are the tests' arguments)

import json
import logging
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from binome.accounts.proconnect.session import SESSION_KEY
from binome.accounts.proconnect.views import ProConnectOAuth2Adapter, _cache_key
from tests.accounts.proconnect_idp import AGENTS, CLIENT_ID, provider_settings, sign_in_at_idp
from tests.accounts.test_proconnect import (  # noqa: F401 (fixtures)
    DOUBLE,
    SITE,
    idp,
    member_with,
    proconnect,
    proconnect_login,
    start,
)

UNAVAILABLE = (
    "ProConnect est momentanément indisponible : réessayez dans quelques minutes ou connectez-vous "
    "avec votre mot de passe"
)
REINFORCED = "agent.renforce@loire-atlantique.fr"  # acr eidas2
SELF_ASSERTED = "agent.declaratif@exemple.fr"  # acr https://proconnect.gouv.fr/assurance/self-asserted
NO_LEVEL = "agent.sans-niveau@loire-atlantique.fr"  # no acr at all
CHECKED = "agent.verifie@exemple.fr"  # acr https://proconnect.gouv.fr/assurance/consistency-checked


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on leaving: nothing listens there


@contextmanager
def garbage_server(body: bytes, content_type="application/json"):
    """A server that answers 200 with `body` to every GET: a proxy error page, a half-deployed issuer."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_calls(monkeypatch):
    """Every URL requested through `requests` (Binôme's back channel and the test's browser alike),
    recorded at the transport: nothing of allauth nor of the views is replaced."""
    calls = []
    send = requests.Session.send

    def recording_send(self, request, **kwargs):
        calls.append(request.url)
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording_send)
    return calls


def assert_unavailable(response):
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


# --- ProConnect out of reach -------------------------------------------------------------------


def test_login_with_proconnect_unreachable_says_so_in_french(db, settings, caplog):
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(f"http://127.0.0.1:{closed_port()}/api/v2")
    client = Client()
    with caplog.at_level(logging.WARNING, logger="binome.accounts.proconnect.views"):
        assert_unavailable(client.post(reverse("proconnect_login")))
    ours = [r.getMessage() for r in caplog.records if r.name == "binome.accounts.proconnect.views"]
    assert ours == ["ProConnect unavailable: ConnectionError"]
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",  # not JSON
        b"[1, 2, 3]",  # JSON, not an object
        json.dumps({"issuer": "http://127.0.0.1/api/v2"}).encode(),  # no endpoints
    ],
)
def test_login_with_proconnect_answering_garbage_says_so_in_french(db, settings, body):
    with garbage_server(body) as issuer:
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(issuer)
        assert_unavailable(Client().post(reverse("proconnect_login")))
        assert cache.get(_cache_key("discovery", issuer + "/.well-known/openid-configuration")) is None


def test_invitation_login_with_proconnect_unreachable_says_so_in_french(world, settings):
    from binome.accounts.models import Role
    from binome.accounts.services import invitation_issue

    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(f"http://127.0.0.1:{closed_port()}/api/v2")
    inviter = member_with("pilote@cd44.example", world)
    _invitation, path = invitation_issue(
        organisation=world["departement"], email=DOUBLE, role=Role.VIEWER, invited_by=inviter
    )
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert_unavailable(Client().post(reverse("proconnect_invitation"), {"token": token}))


def test_callback_with_proconnect_gone_meanwhile_says_so_in_french(proconnect, world, settings):
    member_with(DOUBLE, world)
    client = Client()
    callback = sign_in_at_idp(requests.Session(), start(client), DOUBLE, SITE)
    # Between the agent's return and Binôme's back-channel calls, ProConnect is no longer there.
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(f"http://127.0.0.1:{closed_port()}/api/v2")
    parts = urlsplit(callback)
    assert_unavailable(client.get(parts.path, parse_qs(parts.query)))
    assert client.get(reverse("home")).status_code == 302
    assert not SocialAccount.objects.exists()


def test_callback_with_the_token_endpoint_unreachable_says_so_in_french(proconnect, world, settings):
    member_with(DOUBLE, world)
    client = Client()
    callback = sign_in_at_idp(requests.Session(), start(client), DOUBLE, SITE)
    app = provider_settings(proconnect)["proconnect"]["APPS"][0]
    app["settings"]["openid_configuration_overrides"] = {
        "token_endpoint": f"http://127.0.0.1:{closed_port()}/api/v2/token"
    }
    settings.SOCIALACCOUNT_PROVIDERS = {"proconnect": {"APPS": [app]}}
    parts = urlsplit(callback)
    assert_unavailable(client.get(parts.path, parse_qs(parts.query)))
    assert client.get(reverse("home")).status_code == 302


# --- eIDAS level ---------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", [SELF_ASSERTED, NO_LEVEL])
def test_a_level_below_eidas1_or_none_is_refused(proconnect, world, agent):
    member_with(agent, world)
    client = Client()
    response = proconnect_login(client, agent)
    assert response.status_code == 403
    assert "Niveau d'authentification insuffisant" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert client.get(reverse("home")).status_code == 302
    # The agent can still leave ProConnect from that page.
    leave = client.post(reverse("proconnect_end_federation_session"))
    assert urlsplit(leave.context["url"]).path == "/api/v2/session/end"


@pytest.mark.parametrize("agent", [REINFORCED, CHECKED])
def test_a_higher_level_or_an_identity_proconnect_checked_is_accepted(proconnect, world, agent):
    user = member_with(agent, world)
    client = Client()
    response = proconnect_login(client, agent)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")  # amr pwd only: Binôme's code still
    assert SocialAccount.objects.get(provider="proconnect").user == user


# --- platform administrators ---------------------------------------------------------------------


def test_a_platform_administrator_is_not_linked_nor_logged_in(proconnect, world):
    admin = member_with(DOUBLE, world)  # ProConnect reports mfa for this agent
    admin.is_staff = True
    admin.save()
    client = Client()
    response = proconnect_login(client, DOUBLE)
    assert response.status_code == 403
    assert (
        "Les comptes d'administration de la plateforme se connectent avec leur mot de passe et leur "
        "application d'authentification" in response.content.decode()
    )
    assert not SocialAccount.objects.exists()
    assert client.get(reverse("home")).status_code == 302
    assert SESSION_KEY not in client.session


def test_an_identity_linked_before_the_account_became_administrator_is_refused(proconnect, world):
    user = member_with(DOUBLE, world)
    proconnect_login(Client(), DOUBLE)
    assert SocialAccount.objects.get().user == user
    user.is_superuser = True
    user.save()
    client = Client()
    response = proconnect_login(client, DOUBLE)
    assert response.status_code == 403
    assert "Les comptes d'administration de la plateforme" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


# --- discovery and keys cached -------------------------------------------------------------------


def _count(calls, suffix):
    return sum(1 for url in calls if urlsplit(url).path.endswith(suffix))


def test_two_logins_fetch_the_discovery_document_and_keys_once(proconnect, world, http_calls):
    member_with(DOUBLE, world)
    first = Client()
    assert proconnect_login(first, DOUBLE).status_code == 302
    first.post(reverse("account_logout"))
    second = Client()
    assert proconnect_login(second, DOUBLE).status_code == 302
    assert second.get(reverse("home")).status_code == 200
    assert _count(http_calls, "/.well-known/openid-configuration") == 1
    assert _count(http_calls, "/api/v2/jwks") == 1
    assert _count(http_calls, "/api/v2/token") == 2  # the logins themselves did happen twice


def _rsa_jwk(kid):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "use": "sig", "alg": "RS256"}


def _adapter():
    request = RequestFactory().get("/")
    request.session = {}
    adapter = ProConnectOAuth2Adapter(request)
    return adapter, adapter.get_provider().app


def test_a_key_not_in_the_cached_set_refetches_the_keys_once(proconnect, world, http_calls):
    adapter, _app = _adapter()
    _private, stale = _rsa_jwk("cle-retiree")
    cache.set(_cache_key("jwks", adapter.openid_config["jwks_uri"]), [stale])  # before a rotation
    member_with(DOUBLE, world)
    client = Client()
    assert proconnect_login(client, DOUBLE).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert _count(http_calls, "/api/v2/jwks") == 1  # ID token and userinfo: one fetch for both


def test_a_kid_unknown_even_after_refetching_is_refused_without_a_loop(proconnect, db, http_calls):
    adapter, app = _adapter()
    private, _public = _rsa_jwk("cle-inconnue")
    now = int(time.time())
    claims = {
        "iss": adapter.openid_config["issuer"],
        "aud": CLIENT_ID,
        "sub": "x",
        "iat": now,
        "exp": now + 60,
    }
    token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "cle-inconnue"})
    with pytest.raises(OAuth2Error):
        adapter.verify_jwt(token, app)
    with pytest.raises(OAuth2Error):
        adapter.verify_jwt(token, app)
    assert _count(http_calls, "/api/v2/jwks") == 2  # once per token, never more


# --- clock skew ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iat_offset", "exp_offset", "accepted"),
    [
        (-120, -30, True),  # expired 30 s ago by our clock: within the 60 s margin
        (-180, -90, False),  # expired 90 s ago
        (30, 120, True),  # issued 30 s « in the future »: ProConnect's clock is ahead
        (90, 180, False),  # issued 90 s ahead
    ],
)
def test_expiry_and_issue_time_have_a_minute_of_leeway(proconnect, db, iat_offset, exp_offset, accepted):
    adapter, app = _adapter()
    private, public = _rsa_jwk("cle-locale")
    cache.set(_cache_key("jwks", adapter.openid_config["jwks_uri"]), [public])
    now = int(time.time())
    claims = {
        "iss": adapter.openid_config["issuer"],
        "aud": CLIENT_ID,
        "sub": AGENTS[DOUBLE]["sub"],
        "iat": now + iat_offset,
        "exp": now + exp_offset,
    }
    token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "cle-locale"})
    if accepted:
        assert adapter.verify_jwt(token, app)["sub"] == AGENTS[DOUBLE]["sub"]
    else:
        with pytest.raises(OAuth2Error):
            adapter.verify_jwt(token, app)
