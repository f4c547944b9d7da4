"""A mentor's file, two years after leaving (six months after not being retained): see `audit.retention`."""

import datetime

from django.db.models import Q

from binome.audit.retention import ANONYMOUS, subject, year_only
from binome.mentors.models import Mentor, MentorEvent, MentorStage

MENTOR_RETENTION_DAYS = 2 * 365
NOT_RETAINED_RETENTION_DAYS = 183


def mentors_due(now: datetime.datetime):
    return Mentor.objects.filter(anonymised_at__isnull=True).filter(
        Q(stage=MentorStage.LEFT, stage_since__lt=now - datetime.timedelta(days=MENTOR_RETENTION_DAYS))
        | Q(
            stage=MentorStage.NOT_RETAINED,
            stage_since__lt=now - datetime.timedelta(days=NOT_RETAINED_RETENTION_DAYS),
        )
    )


@subject(
    "mentors.Mentor",
    label="mentor",
    due=mentors_due,
    clears={
        "mentors.Mentor": (
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_place",
            "occupation_detail",
            "motivation",
            "availability",
            "interests",
            "languages",
            "stage_reason",
            "interview_notes",
        ),
        "mentors.MentorEvent": ("detail",),
    },
    deletes=("mentors.HistoricalMentor",),
    keeps={
        "mentors.Mentor": {
            "objectives": "codes d'une liste fermée (objectifs)",
            "subjects": "codes d'une liste fermée (matières)",
        },
    },
)
def anonymise_mentor(mentor: Mentor, now: datetime.datetime) -> None:
    Mentor.objects.filter(pk=mentor.pk).update(
        first_name=ANONYMOUS,
        last_name="",
        email=f"anonyme-{mentor.pk}@invalid",
        phone="",
        birth_place="",
        birth_date=year_only(mentor.birth_date),
        commune=None,
        occupation_detail="",
        motivation="",
        availability=[],
        interests="",
        languages="",
        interview_notes="",
        stage_reason="",
        coordinator=None,
        anonymised_at=now,
    )
    MentorEvent.objects.filter(mentor=mentor).update(detail="")
    Mentor.history.filter(id=mentor.pk).delete()
