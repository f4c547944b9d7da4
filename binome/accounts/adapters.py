import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from binome.accounts.middleware import SESSION_LOGIN_AT


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
