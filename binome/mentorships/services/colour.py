"""The pair's follow-up colour: recomputed after every write it depends on, and nightly for the passing
of time; turning red alerts the coordinator (once a day at most)."""

import datetime

from django.db import models
from django.utils import timezone

from binome.mentorships import followup
from binome.mentorships.models import (
    Colour,
    Concern,
    FollowUpSettings,
    Mentorship,
)
from binome.mentorships.services.alerts import alert_staff
from binome.mentorships.services.common import store_shown
from binome.notifications.reminders import first_time


def _status(mentorship, rules_, today, concern_since=None) -> followup.Status:
    if mentorship.concern_open and concern_since is None:
        first = mentorship.concerns.filter(resolved_at__isnull=True).aggregate(at=models.Min("raised_at"))[
            "at"
        ]
        concern_since = timezone.localdate(first) if first else today
    return followup.status(
        state=mentorship.state,
        today=today,
        rules=rules_,
        validated_on=timezone.localdate(mentorship.validated_at),
        started_on=mentorship.started_at,
        last_contact_on=mentorship.last_contact_on,
        last_meeting_on=mentorship.last_meeting_on,
        contacts_in_first_month=mentorship.contacts_first_month,
        concern_since=concern_since if mentorship.concern_open else None,
        pulse_alert_on=mentorship.pulse_alert_on,
    )


def _store_status(mentorship, status: followup.Status, now) -> bool:
    """Write the colour if anything changed. True when the pair just turned red."""
    changes = {}
    if status.colour != mentorship.colour:
        changes.update(colour=status.colour, colour_since=now if status.colour else None)
    if status.reason != mentorship.colour_reason:
        changes["colour_reason"] = status.reason
    if status.due_on != mentorship.follow_up_due_on:
        changes["follow_up_due_on"] = status.due_on
    if not changes:
        return False
    turned_red = status.colour == Colour.RED and mentorship.colour != Colour.RED
    store_shown(mentorship, **changes)
    return turned_red


def refresh_follow_up(mentorship: Mentorship, *, today=None, notify: bool = True) -> bool:
    """Recompute and store the pair's colour; when it turns red, alert the coordinator (once a day at most)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    rules_ = followup.Rules.of(FollowUpSettings.for_organisation(mentorship.association_id))
    turned_red = _store_status(mentorship, _status(mentorship, rules_, today), now)
    if turned_red and notify and first_time("pair_red", mentorship.pk, today):
        alert_staff(
            mentorship, "un binôme que vous suivez est passé au rouge : " + _generic(mentorship.colour_reason)
        )
    return turned_red


def _generic(reason: str) -> str:
    """The colour's reason without dates, for an e-mail."""
    return reason.split(" depuis")[0].split(" ;")[0].lower()


def refresh_all_follow_ups(*, now=None, association=None) -> int:
    """Nightly: the passing of time turns pairs orange then red. Returns how many alerts were sent.
    With `association`, only its pairs (after it changed its rules)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings_by_association = {s.association_id: followup.Rules.of(s) for s in FollowUpSettings.objects.all()}
    default = followup.Rules()
    concern_since = {
        row["mentorship_id"]: timezone.localdate(row["first"])
        for row in Concern.objects.filter(
            resolved_at__isnull=True, mentorship__state__in=["agreement", "active"]
        )
        .values("mentorship_id")
        .annotate(first=models.Min("raised_at"))
    }
    alerts = 0
    pairs = Mentorship.objects.open()
    if association is not None:
        pairs = pairs.filter(association=association)
    for mentorship in pairs.iterator(chunk_size=500):
        rules_ = settings_by_association.get(mentorship.association_id, default)
        status = _status(mentorship, rules_, today, concern_since.get(mentorship.pk, today))
        if _store_status(mentorship, status, now) and first_time("pair_red", mentorship.pk, today):
            alert_staff(
                mentorship, "un binôme que vous suivez est passé au rouge : " + _generic(status.reason)
            )
            alerts += 1
    return alerts


def pulse_alert(mentorship: Mentorship, *, on: datetime.date) -> None:
    """A mentor's check-in answers fell under the association's threshold: the pair turns orange until the
    next staff contact, and the coordinator is told at once (as the tools in the field do)."""
    Mentorship.objects.filter(pk=mentorship.pk).update(pulse_alert_on=on)
    mentorship.pulse_alert_on = on
    refresh_follow_up(mentorship, notify=False)
    alert_staff(
        mentorship,
        "le questionnaire de suivi d'un mentor signale des difficultés (réponse sous votre seuil) : "
        "rappelez-le",
    )
