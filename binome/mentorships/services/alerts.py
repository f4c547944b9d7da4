"""E-mails about a pair to the people who follow it: its coordinator (or the association's staff) and the
youth's ASE referent. The messages name no one; the link leads to the pair."""

from django.urls import reverse

from binome.accounts.models import Membership
from binome.accounts.perms import ASSOCIATION_ROLES
from binome.notifications.emails import send_email


def _staff_emails(mentorship) -> list[str]:
    """The pair's coordinator while still in the association; otherwise its managers and coordinators."""
    memberships = Membership.objects.filter(
        organisation=mentorship.association, is_active=True, user__is_active=True
    )
    if mentorship.coordinator_id:
        own = list(memberships.filter(user=mentorship.coordinator_id).values_list("user__email", flat=True))
        if own:
            return own
    return list(memberships.filter(role__in=ASSOCIATION_ROLES).values_list("user__email", flat=True))


def alert_staff(mentorship, line: str) -> None:
    """Tell the pair's coordinator at once. The message names no one: the link leads to the pair."""
    to = _staff_emails(mentorship)
    if to:
        send_email(
            template="pair_alert",
            to=to,
            context={
                "line": line,
                "path": reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}),
            },
        )


def alert_referrer(mentorship, line: str, by=None) -> None:
    """Tell the youth's ASE referent (unless they are the one who acted)."""
    referrer = mentorship.youth.referrer
    if referrer is None or not referrer.is_active or referrer == by:
        return
    send_email(
        template="pair_alert",
        to=[referrer.email],
        context={
            "line": line,
            "path": reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}),
        },
    )
