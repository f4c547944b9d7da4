import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.models import Authenticator

from binome.accounts.middleware import SESSION_LOGIN_AT


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Nobody signs up on their own: accounts come from an invitation by an organisation."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone who has just logged in with their password, and must now set up their first
        authenticator, is not asked for that password a second time."""
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT, 0)
            just_logged_in = time.time() - login_at < app_settings.REAUTHENTICATION_TIMEOUT
            if just_logged_in and not Authenticator.objects.filter(user=request.user).exists():
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
