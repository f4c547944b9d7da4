import hashlib
import logging
import secrets

import jwt
import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.accounts.proconnect import session as pc_session

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"  # what Binôme declares to ProConnect; any other algorithm in a token is refused
TIMEOUT = 10  # seconds, for every back-channel call to ProConnect
LOGOUT_STATE_SALT = "binome.proconnect.logout"
LOGOUT_STATE_MAX_AGE = 15 * 60
# ProConnect's configuration and keys change rarely: fetched once an hour, not at every login. A key
# rotation is still followed at once: a token signed with an unknown `kid` refetches the keys once.
DISCOVERY_CACHE_SECONDS = 60 * 60
JWKS_CACHE_SECONDS = 60 * 60
# Clocks of ProConnect and of this server may differ by a few seconds: `exp` and `iat` get this margin.
LEEWAY_SECONDS = 60
# eIDAS levels (doc_fs/projet_fca/projet_fca_niveau_eidas.md): Binôme asks for eidas1 (« faible »), the
# only level ProConnect offers service providers, and accepts it or higher. ProConnect's own account
# service (« ProConnect Identité », used by agents whose employer has no identity provider of its own,
# as many départements) answers with https://proconnect.gouv.fr/assurance/… levels: those whose identity
# ProConnect checked against its employer are accepted, a self-declared one (`self-asserted`) or no
# `acr` at all is refused.
ACCEPTED_ACR = frozenset(
    {
        "eidas1",
        "eidas2",
        "eidas3",
        "https://proconnect.gouv.fr/assurance/consistency-checked",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    }
)
DISCOVERY_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class ProConnectUnavailable(Exception):
    """ProConnect could not be reached, or answered something that is not what it publishes.

    Not a RequestException: allauth's callback turns those into its « login failed » page, and the
    agent should be told instead to come back later (views.unavailable)."""


def _cache_key(kind: str, url: str) -> str:
    return f"proconnect:{kind}:" + hashlib.sha256(url.encode()).hexdigest()


def site_url(path: str) -> str:
    """Absolute URL on the public address: the redirect URIs declared to ProConnect must match exactly."""
    return settings.BINOME_SITE_URL.rstrip("/") + path


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with ProConnect's differences.

    - the ID token is always verified (RS256 against the published keys), nonce included, even though
      it comes straight from the token endpoint;
    - userinfo is a JWT (`application/jwt`) signed the same way, whose `sub` must be the ID token's.
    """

    def __init__(self, request):
        super().__init__(request, "proconnect")

    @staticmethod
    def new_state_id() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def nonce_for(state_id: str) -> str:
        """The nonce is bound to the state, itself bound to this browser's session and used once."""
        return salted_hmac("binome.proconnect.nonce", state_id).hexdigest()

    @property
    def basic_auth(self):
        return False  # ProConnect authenticates the client with client_secret_post

    def get_callback_url(self, request, app):
        return site_url(reverse("proconnect_callback"))

    def _get(self, url: str, **kwargs) -> requests.Response:
        """A back-channel GET. Unreachable, too slow or failing on its side: ProConnectUnavailable; a
        4xx is a refusal of this request, not an outage: OAuth2Error."""
        try:
            with get_adapter().get_requests_session() as http:
                response = http.get(url, timeout=TIMEOUT, **kwargs)
            response.raise_for_status()
        except requests.HTTPError as error:
            if error.response is not None and error.response.status_code < 500:
                raise OAuth2Error("ProConnect : requête refusée") from error
            raise ProConnectUnavailable(type(error).__name__) from error
        except requests.RequestException as error:
            raise ProConnectUnavailable(type(error).__name__) from error
        return response

    def _get_json_object(self, url: str) -> dict:
        """Discovery or keys: whatever goes wrong, ProConnect cannot be used for now (even a 404: the
        address is ProConnect's published one, or a configuration error the agent cannot fix)."""
        try:
            document = self._get(url).json()
        except OAuth2Error as error:
            raise ProConnectUnavailable("refused") from error
        except (requests.RequestException, ValueError) as error:  # not JSON
            raise ProConnectUnavailable("invalid JSON") from error
        if not isinstance(document, dict):
            raise ProConnectUnavailable("not a JSON object")
        return document

    @property
    def openid_config(self) -> dict:
        """The discovery document, from the cache (allauth's own fetches it at every login, unbounded)."""
        if not hasattr(self, "_openid_config"):
            provider = self.get_provider()
            key = _cache_key("discovery", provider.server_url)
            config = cache.get(key)
            if config is None:
                config = self._get_json_object(provider.server_url)
                if not all(isinstance(config.get(name), str) and config[name] for name in DISCOVERY_KEYS):
                    raise ProConnectUnavailable("incomplete discovery document")
                cache.set(key, config, DISCOVERY_CACHE_SECONDS)
            config = {**config, **provider.app.settings.get("openid_configuration_overrides", {})}
            self._openid_config = config
        return self._openid_config

    def _jwks(self, *, refresh: bool = False) -> tuple[list, bool]:
        """The published keys, and whether they were just fetched (rather than read from the cache)."""
        url = self.openid_config["jwks_uri"]
        key = _cache_key("jwks", url)
        keys = None if refresh else cache.get(key)
        if keys is not None:
            return keys, False
        keys = self._get_json_object(url).get("keys")
        if not isinstance(keys, list):
            raise ProConnectUnavailable("no keys in the JWKS")
        cache.set(key, keys, JWKS_CACHE_SECONDS)
        return keys, True

    @staticmethod
    def _find_key(keys: list, kid: str | None):
        for key in keys:
            if (
                isinstance(key, dict)
                and key.get("kid") == kid
                and key.get("kty") == "RSA"
                and key.get("use", "sig") == "sig"
            ):
                return jwt.PyJWK(key, algorithm=ALGORITHM).key
        return None

    def _signing_key(self, kid: str | None):
        keys, fresh = self._jwks()
        found = self._find_key(keys, kid)
        if found is None and not fresh:
            # Not among the cached keys: ProConnect may have rotated them since. Fetched anew, once.
            found = self._find_key(self._jwks(refresh=True)[0], kid)
        if found is None:
            raise OAuth2Error("ProConnect : clé de signature inconnue")
        return found

    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        # allauth would show its « login failed » page for a token endpoint out of reach.
        try:
            return super().get_access_token_data(request, app, client, pkce_code_verifier)
        except requests.RequestException as error:
            raise ProConnectUnavailable(type(error).__name__) from error

    def verify_jwt(self, token: str, app) -> dict:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise OAuth2Error("ProConnect : algorithme de signature inattendu")
            return jwt.decode(
                token,
                key=self._signing_key(header.get("kid")),
                algorithms=[ALGORITHM],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise OAuth2Error("ProConnect : jeton invalide") from error

    def complete_login(self, request, app, token, **kwargs):
        raw_id_token = kwargs["response"].get("id_token")
        if not raw_id_token:
            raise OAuth2Error("ProConnect : pas d'ID token")
        id_token = self.verify_jwt(raw_id_token, app)
        for claim in ("exp", "iat"):
            if claim not in id_token:
                raise OAuth2Error("ProConnect : ID token incomplet")
        # allauth checked the state against this session before calling us: its nonce is the expected one.
        expected_nonce = self.nonce_for(request.GET.get("state", ""))
        if not constant_time_compare(str(id_token.get("nonce", "")), expected_nonce):
            raise OAuth2Error("ProConnect : nonce invalide")
        # Kept from here on: the pages that refuse the login offer to leave ProConnect with it.
        pc_session.stash_id_token(request, raw_id_token)
        acr = id_token.get("acr")
        if not isinstance(acr, str) or acr not in ACCEPTED_ACR:
            logger.info("ProConnect login refused: authentication level not accepted")
            raise ImmediateHttpResponse(render(request, "proconnect/level_refused.html", status=403))

        response = self._get(self.profile_url, headers={"Authorization": f"Bearer {token.token}"})
        if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
            raise OAuth2Error("ProConnect : userinfo non signé")
        userinfo = self.verify_jwt(response.text.strip(), app)
        if userinfo["sub"] != id_token["sub"]:
            raise OAuth2Error("ProConnect : userinfo d'une autre personne")

        data = {"userinfo": userinfo, "id_token": id_token}
        return self.get_provider().sociallogin_from_response(request, data)


def unavailable(request, error: Exception):
    # A short cause for the operator; neither the agent nor the request (state, code) is named.
    reason = str(error) if isinstance(error, ProConnectUnavailable) else type(error).__name__
    logger.warning("ProConnect unavailable: %s", reason)
    return render(request, "proconnect/unavailable.html", status=503)


def _adapter_view(view_class, request):
    try:
        return view_class.adapter_view(ProConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404("ProConnect n'est pas configuré.") from None
    except (ProConnectUnavailable, requests.RequestException) as error:
        return unavailable(request, error)


def leave_for_proconnect(request, url: str, title: str):
    """A page that sends the browser on to ProConnect, instead of a redirect.

    A redirect answering one of our forms stays under the CSP's `form-action 'self'` in Chromium, for
    every hop: ProConnect and the agents' identity providers would be blocked. A refresh is a new
    navigation, and the link is there for browsers that ignore it."""
    return render(request, "proconnect/leave.html", {"url": url, "title": title})


@policy("public")
def login(request):
    response = _adapter_view(OAuth2LoginView, request)
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith(("https://", "http://")):
        return leave_for_proconnect(request, location, "Connexion avec ProConnect")
    return response


@policy("public")
@require_POST
def invitation_login(request):
    """« S'identifier avec ProConnect » on an invitation page: remember the invitation, then on to
    ProConnect; back, the adapter creates the account from it if ProConnect vouches for the invited
    address (adapter.SocialAccountAdapter._account_from_invitation). The token comes in the form,
    never in this address."""
    from binome.accounts.services import invitation_from_token

    token = request.POST.get("token", "")
    invitation = invitation_from_token(token) if token else None
    if invitation is None or not invitation.is_pending:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"status": invitation.status if invitation else None},
            status=410 if invitation else 404,
        )
    pc_session.remember_invitation(request, invitation.pk)
    return login(request)


@policy("public")
def callback(request):
    return _adapter_view(OAuth2CallbackView, request)


def end_session_url(request, id_token: str) -> str | None:
    """ProConnect's end_session_endpoint with id_token_hint, a signed state and our return address."""
    try:
        config = ProConnectOAuth2Adapter(request).openid_config
        endpoint = config["end_session_endpoint"]
    except (SocialApp.DoesNotExist, KeyError, ProConnectUnavailable, requests.RequestException, ValueError):
        logger.warning("ProConnect: end_session_endpoint unavailable, local logout only")
        return None
    state = signing.dumps(secrets.token_urlsafe(24), salt=LOGOUT_STATE_SALT)
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": site_url(reverse("proconnect_logout_done")),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


@policy("public")
@require_POST
def end_federation_session(request):
    """From the « no account » page: leave ProConnect too, to come back with another identity."""
    id_token = pc_session.pending_id_token(request)
    url = end_session_url(request, id_token) if id_token else None
    if url is None:
        return HttpResponseRedirect(reverse("account_login"))
    return leave_for_proconnect(request, url, "Déconnexion de ProConnect")


@policy("public")
def logout_continue(request):
    """After Binôme's logout of a ProConnect session: on to ProConnect's end_session_endpoint."""
    url = request.session.pop(pc_session.END_SESSION_URL_KEY, None)
    if url is None:
        return render(request, "proconnect/logged_out.html")
    return leave_for_proconnect(request, url, "Déconnexion de ProConnect")


@policy("public")
def logout_done(request):
    """ProConnect's return after logout (post_logout_redirect_uri): the state must be one we signed."""
    try:
        signing.loads(request.GET.get("state", ""), salt=LOGOUT_STATE_SALT, max_age=LOGOUT_STATE_MAX_AGE)
    except signing.BadSignature:
        return render(request, "proconnect/logout_invalid.html", status=400)
    messages.success(request, "Vous êtes déconnecté·e de Binôme et de ProConnect.")
    return redirect("account_login")
