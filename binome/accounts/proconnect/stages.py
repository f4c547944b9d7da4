from allauth.mfa import stages

from binome.accounts.proconnect.session import sociallogin_second_factor


class AuthenticateStage(stages.AuthenticateStage):
    """allauth's « enter your code » step, skipped when ProConnect reports a second factor."""

    def _should_handle(self, request) -> bool:
        if sociallogin_second_factor((self.login.signal_kwargs or {}).get("sociallogin")):
            return False
        return super()._should_handle(request)
