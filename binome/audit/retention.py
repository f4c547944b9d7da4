"""Retention (CNIL référentiel « protection de l'enfance »): live personal data at most two years after
the last contact, then anonymised; candidates not retained, six months after the decision.

Anonymising keeps what the indicators need (département, service, territory, birth year, gender,
measure, pathway dates and states) and removes what identifies a person: names, exact birth date,
commune, free text, contact details, scanned documents, and the change-history copies.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from binome.mentors.models import Mentor, MentorStage
from binome.youths.models import Consent, Youth

YOUTH_RETENTION_DAYS = 2 * 365
MENTOR_RETENTION_DAYS = 2 * 365
NOT_RETAINED_RETENTION_DAYS = 183
ANONYMOUS = "Anonymisé"


@dataclass
class RetentionReport:
    youths: int = 0
    mentors: int = 0


def youths_due(now: datetime.datetime):
    """Youths who left the scheme and whose file saw no activity for two years."""
    limit = now - datetime.timedelta(days=YOUTH_RETENTION_DAYS)
    return (
        Youth.objects.filter(archived_at__isnull=False, archived_at__lt=limit, anonymised_at__isnull=True)
        .annotate(last_event=Max("events__at"))
        .filter(Q(last_event__isnull=True) | Q(last_event__lt=limit))
    )


def mentors_due(now: datetime.datetime):
    return Mentor.objects.filter(anonymised_at__isnull=True).filter(
        Q(stage=MentorStage.LEFT, stage_since__lt=now - datetime.timedelta(days=MENTOR_RETENTION_DAYS))
        | Q(
            stage=MentorStage.NOT_RETAINED,
            stage_since__lt=now - datetime.timedelta(days=NOT_RETAINED_RETENTION_DAYS),
        )
    )


def _year_only(day: datetime.date) -> datetime.date:
    return day.replace(month=1, day=1)


@transaction.atomic
def anonymise_youth(youth: Youth, now: datetime.datetime) -> None:
    for consent in Consent.objects.filter(youth=youth):
        if consent.document:
            consent.document.delete(save=False)
        consent.given_by = ANONYMOUS
        consent.document = ""
        consent.withdrawal_note = ""
        consent.save(update_fields=["given_by", "document", "withdrawal_note", "updated_at"])
    youth.assessments.update(author_name=ANONYMOUS, notes="", ppe_reference="")
    youth.referrals.update(message="", decline_comment="")
    Youth.objects.filter(pk=youth.pk).update(
        first_name=ANONYMOUS,
        last_name="",
        external_id="",
        birth_date=_year_only(youth.birth_date),
        commune=None,
        placement_structure="",
        interests="",
        mentor_preferences="",
        notes="",
        availability=[],
        referrer=None,
        anonymised_at=now,
    )
    Youth.history.filter(id=youth.pk).delete()


@transaction.atomic
def anonymise_mentor(mentor: Mentor, now: datetime.datetime) -> None:
    Mentor.objects.filter(pk=mentor.pk).update(
        first_name=ANONYMOUS,
        last_name="",
        email=f"anonyme-{mentor.pk}@invalid",
        phone="",
        birth_place="",
        birth_date=_year_only(mentor.birth_date),
        commune=None,
        motivation="",
        interests="",
        languages="",
        occupation_detail="",
        interview_notes="",
        stage_reason="",
        coordinator=None,
        anonymised_at=now,
    )
    mentor.events.update(detail="")
    Mentor.history.filter(id=mentor.pk).delete()


def apply_retention(*, now: datetime.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    now = now or timezone.now()
    youths, mentors = list(youths_due(now)), list(mentors_due(now))
    if not dry_run:
        for youth in youths:
            anonymise_youth(youth, now)
        for mentor in mentors:
            anonymise_mentor(mentor, now)
    return RetentionReport(youths=len(youths), mentors=len(mentors))
