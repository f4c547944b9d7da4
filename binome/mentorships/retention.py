"""What a pair keeps about an anonymised youth or mentor: see `audit.retention`.

The pair's notes (meetings, contacts, concerns, reviews, closure) belong to the youth's file: they go
when the youth is anonymised. A mentor anonymised while the youth's file is still live loses what
names them (signature, scan); the notes stay with the youth until then."""

from binome.audit.retention import ANONYMOUS, eraser
from binome.mentorships.models import (
    Agreement,
    Closure,
    Concern,
    FollowUpContact,
    Meeting,
    Mentorship,
    Party,
    Review,
    Signature,
)


def _erase_signatures(signatures) -> None:
    for signature in signatures.exclude(document=""):
        signature.document.delete(save=False)
    signatures.update(signer_name=ANONYMOUS, document="")


@eraser(
    "youths.Youth",
    clears={
        "mentorships.Mentorship": ("launch_objectives", "next_steps"),
        "mentorships.Agreement": ("objectives", "establishment", "consents_summary", "changes"),
        "mentorships.Signature": ("signer_name", "document"),
        "mentorships.Meeting": ("note", "next_steps"),
        "mentorships.FollowUpContact": ("note",),
        "mentorships.Concern": ("message", "resolution"),
        "mentorships.Review": ("participants", "youth_opinion", "notes"),
        "mentorships.Closure": ("comment", "reopen_reason"),
    },
    deletes=("mentorships.HistoricalMentorship",),
    keeps={
        "mentorships.Mentorship": {
            "colour_reason": "phrase écrite par le code (« pas de nouvelles depuis… »)"
        },
        "mentorships.MentorAccess": {"token_hash": "empreinte d'un lien expiré, rien de lisible"},
    },
)
def erase_youth_pairs(youth, now) -> None:
    pairs = Mentorship.objects.filter(youth=youth)
    pairs.update(launch_objectives="", next_steps="")
    Agreement.objects.filter(mentorship__in=pairs).update(
        objectives="", establishment="", consents_summary="", changes=""
    )
    _erase_signatures(Signature.objects.filter(agreement__mentorship__in=pairs))
    Meeting.objects.filter(mentorship__in=pairs).update(note="", next_steps="")
    FollowUpContact.objects.filter(mentorship__in=pairs).update(note="")
    Concern.objects.filter(mentorship__in=pairs).update(message="", resolution="")
    Review.objects.filter(mentorship__in=pairs).update(participants="", youth_opinion="", notes="")
    Closure.objects.filter(mentorship__in=pairs).update(comment="", reopen_reason="")
    Mentorship.history.filter(youth_id=youth.pk).delete()


@eraser("mentors.Mentor", clears={"mentorships.Signature": ("signer_name", "document")})
def erase_mentor_signatures(mentor, now) -> None:
    _erase_signatures(Signature.objects.filter(agreement__mentorship__mentor=mentor, party=Party.MENTOR))
