"""A youth's file, two years after it left the scheme with no activity since: see `audit.retention`."""

import datetime

from django.db.models import Max, Q

from binome.audit.retention import ANONYMOUS, subject, year_only
from binome.youths.models import Consent, Information, Referral, SituationAssessment, Youth, YouthEvent

YOUTH_RETENTION_DAYS = 2 * 365


def youths_due(now: datetime.datetime):
    """Youths who left the scheme and whose file saw no activity for two years."""
    limit = now - datetime.timedelta(days=YOUTH_RETENTION_DAYS)
    return (
        Youth.objects.filter(archived_at__isnull=False, archived_at__lt=limit, anonymised_at__isnull=True)
        .annotate(last_event=Max("events__at"))
        .filter(Q(last_event__isnull=True) | Q(last_event__lt=limit))
    )


@subject(
    "youths.Youth",
    label="jeune",
    due=youths_due,
    clears={
        "youths.Youth": (
            "external_id",
            "first_name",
            "last_name",
            "placement_structure",
            "availability",
            "interests",
            "languages",
            "mentor_preferences",
            "notes",
        ),
        "youths.SituationAssessment": (
            "author_name",
            "ppe_reference",
            "notes",
            "participants",
            "youth_opinion",
        ),
        "youths.Consent": ("given_by", "document", "withdrawal_note"),
        "youths.Information": ("recipient_name", "given_by"),
        "youths.Referral": ("message", "decline_comment"),
        "youths.YouthEvent": ("detail",),
    },
    deletes=("youths.HistoricalYouth", "youths.HistoricalReferral"),
    keeps={
        "youths.Youth": {"subjects": "codes d'une liste fermée (matières)"},
        "youths.SituationAssessment": {"concerted_parties": "codes d'une liste fermée (qui a été associé)"},
    },
)
def anonymise_youth(youth: Youth, now: datetime.datetime) -> None:
    for consent in Consent.objects.filter(youth=youth).exclude(document=""):
        consent.document.delete(save=False)
    Consent.objects.filter(youth=youth).update(given_by=ANONYMOUS, document="", withdrawal_note="")
    Information.objects.filter(youth=youth).update(recipient_name=ANONYMOUS, given_by=ANONYMOUS)
    SituationAssessment.objects.filter(youth=youth).update(
        author_name=ANONYMOUS, ppe_reference="", notes="", participants="", youth_opinion=""
    )
    Referral.objects.filter(youth=youth).update(message="", decline_comment="")
    YouthEvent.objects.filter(youth=youth).update(detail="")
    Youth.objects.filter(pk=youth.pk).update(
        first_name=ANONYMOUS,
        last_name="",
        external_id="",
        birth_date=year_only(youth.birth_date),
        commune=None,
        placement_structure="",
        interests="",
        languages="",
        mentor_preferences="",
        notes="",
        availability=[],
        referrer=None,
        anonymised_at=now,
    )
    Youth.history.filter(id=youth.pk).delete()
    Referral.history.filter(youth_id=youth.pk).delete()
