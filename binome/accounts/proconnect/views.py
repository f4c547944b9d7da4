import logging
import secrets

import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.core import signing
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
        with get_adapter().get_requests_session() as http:
            response = http.get(url, timeout=TIMEOUT, **kwargs)
        response.raise_for_status()
        return response

    def _signing_key(self, kid: str | None):
        keys = self._get(self.openid_config["jwks_uri"]).json().get("keys", [])
        for key in keys:
            if key.get("kid") == kid and key.get("kty") == "RSA" and key.get("use", "sig") == "sig":
                return jwt.PyJWK(key, algorithm=ALGORITHM).key
        raise OAuth2Error("ProConnect : clé de signature inconnue")

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

        response = self._get(self.profile_url, headers={"Authorization": f"Bearer {token.token}"})
        if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
            raise OAuth2Error("ProConnect : userinfo non signé")
        userinfo = self.verify_jwt(response.text.strip(), app)
        if userinfo["sub"] != id_token["sub"]:
            raise OAuth2Error("ProConnect : userinfo d'une autre personne")

        pc_session.stash_id_token(request, raw_id_token)
        data = {"userinfo": userinfo, "id_token": id_token}
        return self.get_provider().sociallogin_from_response(request, data)


def _adapter_view(view_class, request):
    try:
        return view_class.adapter_view(ProConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404("ProConnect n'est pas configuré.") from None


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
    except (SocialApp.DoesNotExist, KeyError, requests.RequestException, ValueError):
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
