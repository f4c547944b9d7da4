"""Worries about a pair, raised by the staff or by the mentor from their space, and how they were
handled."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.mentorships.models import (
    Concern,
    Mentorship,
)
from binome.mentorships.services.alerts import alert_staff
from binome.mentorships.services.colour import refresh_follow_up
from binome.mentorships.services.common import _check_open, _log, _today
from binome.notifications.reminders import first_time

MENTOR_CONCERNS_PER_DAY = 3


@transaction.atomic
def concern_raise(
    *, mentorship: Mentorship, message: str, by=None, by_mentor=False, organisation=None
) -> Concern:
    """A worry about the pair: it turns red and the coordinator is told at once. From the mentor's
    space (a link, no account), a few a day per pair: past that, nothing is lost — the concerns
    already sent are open — and the page says to call."""
    _check_open(mentorship)
    if not message.strip():
        raise ValidationError({"message": "Décrivez en quelques mots ce qui vous inquiète."})
    if by_mentor:
        since = timezone.now() - datetime.timedelta(days=1)
        sent = Concern.objects.filter(mentorship=mentorship, raised_by_mentor=True, raised_at__gte=since)
        if sent.count() >= MENTOR_CONCERNS_PER_DAY:
            raise ValidationError(
                f"Vous avez déjà envoyé {MENTOR_CONCERNS_PER_DAY} signalements en 24 heures : l'association "
                "les a reçus et va vous rappeler. Pour ajouter quelque chose, appelez-la directement."
            )
    concern = Concern.objects.create(
        mentorship=mentorship, message=message.strip(), raised_by=by, raised_by_mentor=by_mentor
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=True)
    mentorship.concern_open = True
    refresh_follow_up(mentorship, notify=False)
    first_time("pair_red", mentorship.pk, _today())  # this alert replaces tonight's « turned red »
    alert_staff(
        mentorship,
        "un mentor a signalé une préoccupation sur son binôme"
        if by_mentor
        else "une préoccupation a été signalée sur un binôme que vous suivez",
    )
    if organisation is not None:
        _log(by, organisation, mentorship, "update")
    return concern


@transaction.atomic
def concern_resolve(*, concern: Concern, by, organisation, resolution: str) -> Concern:
    if concern.resolved_at:
        raise ValidationError("Cette préoccupation est déjà traitée.")
    if not resolution.strip():
        raise ValidationError({"resolution": "Indiquez la suite donnée."})
    concern.resolved_at = timezone.now()
    concern.resolved_by = by
    concern.resolution = resolution.strip()[:500]
    concern.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    mentorship = concern.mentorship
    still_open = mentorship.concerns.filter(resolved_at__isnull=True).exists()
    Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=still_open)
    mentorship.concern_open = still_open
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return concern
