import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.urls import reverse

from binome.accounts.proconnect import session as proconnect_session
from binome.accounts.session_keys import SESSION_LOGIN_AT


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Nobody signs up on their own: accounts come from an invitation by an organisation."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login (password, then the authenticator code once one exists) is as fresh as a
        reauthentication: right after it, setting up the authenticator and reading the recovery
        codes do not ask for the password again."""
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT, 0)
            if time.time() - login_at < app_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_login_stages(self) -> list[str]:
        """allauth's code step, which a ProConnect login with a second factor skips."""
        return [
            "binome.accounts.proconnect.stages.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def get_logout_redirect_url(self, request) -> str:
        """After a ProConnect login, logging out goes on through ProConnect (its session ends too)."""
        if proconnect_session.logged_in_id_token(request):
            return reverse("proconnect_logout_continue")
        return super().get_logout_redirect_url(request)

    def logout(self, request) -> None:
        id_token = proconnect_session.logged_in_id_token(request)
        end_session_url = None
        if id_token:
            from binome.accounts.proconnect.views import end_session_url as build_end_session_url

            end_session_url = build_end_session_url(request, id_token)
        super().logout(request)
        if end_session_url:
            request.session[proconnect_session.END_SESSION_URL_KEY] = end_session_url
