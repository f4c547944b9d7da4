import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.shortcuts import render

from binome.accounts import services
from binome.accounts.models import Invitation, User
from binome.accounts.proconnect import session as pc_session
from binome.accounts.session_keys import SESSION_MEMBERSHIP

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
        an invitation: no account, no membership is created here. A platform administrator's account is
        never opened through ProConnect, linked or not."""
        if sociallogin.account.provider != "proconnect":
            return
        if sociallogin.is_existing:
            self._refuse_platform_administrator(request, sociallogin.user)
            return
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        email = verified[0] if verified else ""
        user = invited_account(email)
        self._refuse_platform_administrator(request, user)
        invitation_id = pc_session.pop_invitation(request)
        if user is None and invitation_id:
            user = self._account_from_invitation(request, sociallogin, invitation_id, email)
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

    @staticmethod
    def _refuse_platform_administrator(request, user: User | None) -> None:
        """Administrators reach every organisation's data: their login stays password + Binôme's own
        TOTP, which a second factor reported by ProConnect (`amr`) would otherwise skip."""
        if user is not None and (user.is_staff or user.is_superuser):
            logger.info("ProConnect login refused for a platform administrator account")
            raise ImmediateHttpResponse(render(request, "proconnect/staff_refused.html", status=403))

    def _account_from_invitation(self, request, sociallogin, invitation_id, email) -> User | None:
        """« S'identifier avec ProConnect » on an invitation page: create the account from the
        invitation, bound to this identity, when ProConnect vouches for the invited address. None when
        the invitation is no longer pending (the « no account » page follows)."""
        invitation = (
            Invitation.objects.pending().filter(pk=invitation_id).select_related("organisation").first()
        )
        if invitation is None:
            return None
        if not email or email.lower() != invitation.email.lower():
            logger.info("ProConnect identity refused for an invitation sent to another address")
            raise ImmediateHttpResponse(
                render(
                    request,
                    "proconnect/invitation_mismatch.html",
                    {"email": email, "invitation": invitation},
                    status=403,
                )
            )
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                first_name=sociallogin.user.first_name or "",
                last_name=sociallogin.user.last_name or "",
                password=None,  # no password: this account signs in through ProConnect
            )
        except ValidationError:
            return None
        request.session[SESSION_MEMBERSHIP] = str(membership.pk)
        logger.info("account created from an invitation through ProConnect")
        return membership.user
