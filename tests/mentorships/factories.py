"""Pairs built through the services, as the matching and the coordinator build them.

`validated_pair(world, coordinator)` → a pair waiting for its agreement; `signed_pair` → every party
signed; `active_pair(..., started_days_ago=N)` → launched N days ago (dates moved back with updates)."""

import datetime

from django.utils import timezone

from binome.mentorships import services
from binome.mentorships.models import Meeting, Mentorship, SignatureMethod
from tests.mentors.factories import MentorFactory
from tests.youths.factories import ReferralFactory, YouthFactory


def validated_pair(world, coordinator, *, youth=None, mentor=None, **youth_kwargs) -> Mentorship:
    youth = youth or YouthFactory(ready=True, ase_service=world["ase_service"], **youth_kwargs)
    referral = ReferralFactory(youth=youth, accepted=True, association=world["association"])
    mentor = mentor or MentorFactory(association=world["association"], ready=True)
    return services.mentorship_create(
        referral=referral, mentor=mentor, by=coordinator, organisation=world["association"]
    )


def sign_all(mentorship, by, *, agreement=None, on=None):
    agreement = agreement or mentorship.agreements.get(number=0)
    for party in agreement.missing_parties():
        services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name=f"Signataire {party}",
            signed_on=on or timezone.localdate(),
            method=SignatureMethod.IN_PRESENCE,
            by=by,
            organisation=mentorship.association,
        )
    agreement.refresh_from_db()
    return agreement


def signed_pair(world, coordinator, **kwargs) -> Mentorship:
    mentorship = validated_pair(world, coordinator, **kwargs)
    sign_all(mentorship, coordinator)
    return mentorship


def active_pair(world, coordinator, *, started_days_ago=0, **kwargs) -> Mentorship:
    """Launched `started_days_ago` days ago: every date the services wrote is moved back by as much."""
    mentorship = signed_pair(world, coordinator, **kwargs)
    services.mentorship_launch(
        mentorship=mentorship,
        by=coordinator,
        organisation=world["association"],
        held_at=timezone.now() - datetime.timedelta(minutes=5),
        objectives="Reprendre confiance en maths",
    )
    if started_days_ago:
        backdate(mentorship, started_days_ago)
    mentorship.refresh_from_db()
    return mentorship


def backdate(mentorship, days):
    delta = datetime.timedelta(days=days)
    m = Mentorship.objects.get(pk=mentorship.pk)
    Mentorship.objects.filter(pk=m.pk).update(
        validated_at=m.validated_at - delta,
        started_at=m.started_at - delta if m.started_at else None,
        review_due_on=m.review_due_on - delta if m.review_due_on else None,
        planned_end_on=m.planned_end_on - delta if m.planned_end_on else None,
        last_meeting_on=m.last_meeting_on - delta if m.last_meeting_on else None,
        last_contact_on=m.last_contact_on - delta if m.last_contact_on else None,
    )
    for meeting in Meeting.objects.filter(mentorship=m):
        Meeting.objects.filter(pk=meeting.pk).update(at=meeting.at - delta)
    mentorship.refresh_from_db()
    services.refresh_follow_up(mentorship, notify=False)
    mentorship.refresh_from_db()
    return mentorship


def log_meeting(mentorship, days_ago, *, by=None, modality="in_person", status="held"):
    return services.meeting_save(
        mentorship=mentorship,
        at=timezone.now() - datetime.timedelta(days=days_ago),
        status=status,
        modality=modality,
        duration_minutes=60,
        by=by,
    )
