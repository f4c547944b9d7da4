"""The mentor's space: magic links (only their hash stored), one valid link per pair, renewal from an
expired or replaced link."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from binome.mentorships.models import (
    MentorAccess,
    Mentorship,
    MentorshipState,
    hash_token,
)
from binome.mentorships.services.common import _check_open, _log, _today
from binome.notifications.emails import send_email
from binome.notifications.reminders import first_time

MENTOR_LINK_DAYS = getattr(settings, "BINOME_MENTOR_LINK_DAYS", 14)


def mentor_access_create(*, mentorship: Mentorship, days: int = MENTOR_LINK_DAYS) -> str:
    """A new magic link for the pair's mentor; returns the token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    MentorAccess.objects.create(
        mentorship=mentorship,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token


def mentor_space_url(token: str) -> str:
    return reverse("mentorships:mentor_access", kwargs={"token": token})


@transaction.atomic
def mentor_link_issue(*, mentorship: Mentorship) -> str:
    """The pair's one valid link to the mentor's space: earlier links stop working, so a link
    forwarded or left in an old mailbox does not stay valid for its full life. Every e-mail that
    carries a link (the coordinator's, the meeting reminders, a renewal) takes it from here; a page
    opened from a replaced link says so and offers a fresh one."""
    MentorAccess.objects.filter(mentorship=mentorship, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return mentor_access_create(mentorship=mentorship)


@transaction.atomic
def mentor_link_send(*, mentorship: Mentorship, by=None, organisation=None) -> None:
    """E-mail the mentor a link to their space (no password); earlier links stop working."""
    _check_open(mentorship)
    token = mentor_link_issue(mentorship=mentorship)
    send_email(
        template="mentor_space_link",
        to=[mentorship.mentor.email],
        context={
            "first_name": mentorship.mentor.first_name,
            "path": mentor_space_url(token),
            "days": MENTOR_LINK_DAYS,
            "association": mentorship.association,
        },
    )
    if by is not None:
        _log(by, organisation, mentorship, "update")


class AccessRefused(Exception):
    def __init__(self, reason: str, access: MentorAccess | None = None):
        super().__init__(reason)
        self.reason = reason  # unknown | expired | replaced (a newer link was sent) | closed
        self.access = access


def mentor_access_check(token: str) -> MentorAccess:
    """The access a token opens, or AccessRefused with why (so the page can explain itself)."""
    access = (
        MentorAccess.objects.select_related("mentorship").filter(token_hash=hash_token(token or "")).first()
    )
    if access is None:
        raise AccessRefused("unknown")
    if access.mentorship.state == MentorshipState.CLOSED:
        raise AccessRefused("closed", access)
    if access.revoked_at:
        raise AccessRefused("replaced", access)
    if access.expires_at <= timezone.now():
        raise AccessRefused("expired", access)
    MentorAccess.objects.filter(pk=access.pk).update(last_used_at=timezone.now())
    return access


def mentor_link_renew(*, access: MentorAccess) -> bool:
    """From an expired or replaced link, send a fresh one to the mentor's address on file (and
    nowhere else), once a day per link: the page can be reloaded without flooding the mailbox."""
    if access.mentorship.state == MentorshipState.CLOSED:
        return False
    if not first_time("mentor_link_renew", access.pk, _today()):
        return False
    mentor_link_send(mentorship=access.mentorship)
    return True
