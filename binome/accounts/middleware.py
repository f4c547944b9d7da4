import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from binome.accounts.proconnect import session as proconnect_session
from binome.accounts.session_keys import SESSION_LOGIN_AT, SESSION_MEMBERSHIP


class SessionLifetimeMiddleware:
    """Ends sessions older than the absolute lifetime, or opened before the user's sessions were revoked.

    The 30-minute idle limit is Django's own (SESSION_COOKIE_AGE renewed at each request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is None:
                login_at = time.time()
                request.session[SESSION_LOGIN_AT] = login_at
            too_old = time.time() - login_at > settings.BINOME_SESSION_ABSOLUTE_SECONDS
            revoked = user.sessions_valid_after and login_at < user.sessions_valid_after.timestamp()
            if too_old or revoked:
                logout(request)
                messages.info(request, "Votre session a pris fin. Merci de vous reconnecter.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


def _current_membership(request, memberships):
    wanted = request.session.get(SESSION_MEMBERSHIP)
    for membership in memberships:
        if str(membership.pk) == wanted:
            return membership
    return memberships[0] if memberships else None


class CurrentOrganisationMiddleware:
    """Sets `request.membership` and `request.organisation`: the organisation the user works as now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = list(request.user.active_memberships()) if request.user.is_authenticated else []
        request.membership = _current_membership(request, request.memberships)
        request.organisation = request.membership.organisation if request.membership else None
        return self.get_response(request)


class RequireMFAMiddleware:
    """No page beyond the account pages until the user has activated an authenticator app.

    allauth then asks for the code at every login, so no personal data is reachable with a password alone.
    A ProConnect login whose identity provider reported a second factor has already used two.
    """

    ALLOWED_PREFIXES = ("/comptes/", "/static/", "/theme.css", "/invitation/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.BINOME_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not proconnect_session.second_factor_done(request)
            and not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Pour protéger les données des jeunes, activez la double authentification avant de continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages of logged-in users may show personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
