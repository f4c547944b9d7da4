import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from binome.accounts.models import Invitation, User

logger = logging.getLogger(__name__)


def invited_account(email: str) -> User | None:
    """The active account created from an invitation sent to this address, if any."""
    if not email:
        return None
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        """Accounts come from an invitation only, never from a ProConnect identity."""
        return False

    def pre_social_login(self, request, sociallogin):
        """Link a ProConnect identity seen for the first time to the account of its e-mail address.

        Later logins find the account by ProConnect's `sub`. Without an account, a page says to ask for
        an invitation: no account, no membership is created here."""
        if sociallogin.account.provider != "proconnect" or sociallogin.is_existing:
            return
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        email = verified[0] if verified else ""
        user = invited_account(email)
        if user is None:
            logger.info("ProConnect login without a Binôme account")
            invitation_pending = (
                bool(email) and Invitation.objects.pending().filter(email__iexact=email).exists()
            )
            response = render(
                request,
                "proconnect/no_account.html",
                {"email": email, "invitation_pending": invitation_pending},
                status=403,
            )
            raise ImmediateHttpResponse(response)
        sociallogin.connect(request, user)
