"""Writes on questionnaires: open them when due, hand out links, record answers."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from binome.conventions.models import Convention
from binome.mentorships.models import FollowUpSettings, MentorshipState, hash_token
from binome.mentorships.services import pulse_alert
from binome.notifications.emails import send_email
from binome.surveys.models import Respondent, SurveyAnswer, SurveyKind, SurveyResponse
from binome.surveys.questions import BY_CODE, questions_for

LINK_DAYS = 30
PULSE_FIRST_DAYS = 30
PULSE_EVERY_DAYS = 60


def pulse_due_on(started_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """The latest pulse survey date on or before today: 30 days after the start, then every 60 days."""
    first = started_on + datetime.timedelta(days=PULSE_FIRST_DAYS)
    if today < first:
        return None
    cycles = (today - first).days // PULSE_EVERY_DAYS
    return first + datetime.timedelta(days=cycles * PULSE_EVERY_DAYS)


def _key_indicators(mentorship) -> list[str]:
    return Convention.objects.key_indicators_between(
        departement_id=mentorship.departement_id, association_id=mentorship.association_id
    )


def link_create(response: SurveyResponse, *, days: int = LINK_DAYS) -> str:
    """A new link to answer (the previous one stops working); returns the token."""
    token = secrets.token_urlsafe(24)
    response.token_hash = hash_token(token)
    response.token_expires_at = timezone.now() + datetime.timedelta(days=days)
    response.save(update_fields=["token_hash", "token_expires_at", "updated_at"])
    return token


def answer_url(token: str) -> str:
    return reverse("surveys:answer", kwargs={"token": token})


def _invite_mentor(response: SurveyResponse) -> None:
    token = link_create(response)
    mentorship = response.mentorship
    send_email(
        template="survey_invitation",
        to=[mentorship.mentor.email],
        context={
            "first_name": mentorship.mentor.first_name,
            "exit": response.kind == SurveyKind.EXIT,
            "path": answer_url(token),
            "days": LINK_DAYS,
            "association": mentorship.association,
        },
    )


def _open(mentorship, kind, respondent, due_on, questions) -> SurveyResponse | None:
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                mentorship=mentorship, kind=kind, respondent=respondent, due_on=due_on, questions=questions
            )
    except IntegrityError:
        return None


@transaction.atomic
def pulse_open(*, mentorship, due_on: datetime.date, email_mentor: bool = True) -> list[SurveyResponse]:
    """Open the pulse survey due on that date for the youth and the mentor (once: a second call does
    nothing). Older unanswered pulses are dropped: only the latest matters."""
    created = []
    for respondent in Respondent:
        response = _open(mentorship, SurveyKind.PULSE, respondent, due_on, questions_for(SurveyKind.PULSE))
        if response is None:
            continue
        SurveyResponse.objects.pending().filter(
            mentorship=mentorship, kind=SurveyKind.PULSE, respondent=respondent, due_on__lt=due_on
        ).update(cancelled_at=timezone.now())
        created.append(response)
        if respondent == Respondent.MENTOR and email_mentor:
            _invite_mentor(response)
    return created


def pulse_surveys_cancel(*, mentorship) -> None:
    SurveyResponse.objects.pending().filter(mentorship=mentorship, kind=SurveyKind.PULSE).update(
        cancelled_at=timezone.now()
    )


def exit_surveys_open(*, mentorship, email_mentor: bool = True) -> list[SurveyResponse]:
    """At closure: the exit survey for the youth (collected by the coordinator) and the mentor (e-mailed)."""
    questions = questions_for(SurveyKind.EXIT, _key_indicators(mentorship))
    created = []
    for respondent in Respondent:
        response = _open(
            mentorship, SurveyKind.EXIT, respondent, mentorship.ended_at or timezone.localdate(), questions
        )
        if response is None:
            continue
        created.append(response)
        if respondent == Respondent.MENTOR:
            if email_mentor:
                _invite_mentor(response)
            else:
                response.cancelled_at = timezone.now()
                response.save(update_fields=["cancelled_at", "updated_at"])
    return created


def exit_surveys_cancel(*, mentorship) -> None:
    SurveyResponse.objects.pending().filter(mentorship=mentorship, kind=SurveyKind.EXIT).update(
        cancelled_at=timezone.now()
    )


def response_by_token(token: str) -> SurveyResponse | None:
    return (
        SurveyResponse.objects.select_related("mentorship", "mentorship__association")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )


@transaction.atomic
def survey_answer(*, response: SurveyResponse, values: dict, comment: str = "", by=None) -> SurveyResponse:
    """Record the answers: each question 1 to 5, or None when it does not apply."""
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if response.answered_at:
        raise ValidationError("Ce questionnaire a déjà reçu une réponse. Merci !")
    if response.cancelled_at:
        raise ValidationError("Ce questionnaire n'est plus ouvert.")
    if response.kind == SurveyKind.PULSE and response.mentorship.state != MentorshipState.ACTIVE:
        raise ValidationError("Ce binôme est terminé : ce questionnaire n'est plus ouvert.")
    errors = {}
    for code in response.questions:
        if code not in values:
            errors[code] = "Choisissez une réponse."
        elif values[code] is not None and not 1 <= int(values[code]) <= 5:
            errors[code] = "Entre 1 et 5."
    if errors:
        raise ValidationError(errors)
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(response=response, question=code, value=values[code])
            for code in response.questions
            if code in BY_CODE
        ]
    )
    response.answered_at = timezone.now()
    response.entered_by = by
    response.comment = comment.strip()[:2000]
    response.token_hash = ""
    response.token_expires_at = None
    response.save(
        update_fields=["answered_at", "entered_by", "comment", "token_hash", "token_expires_at", "updated_at"]
    )
    _check_pulse(response, values)
    return response


def _check_pulse(response: SurveyResponse, values: dict) -> None:
    """A mentor's check-in answer below the association's threshold raises an alert on the pair."""
    if response.kind != SurveyKind.PULSE or response.respondent != Respondent.MENTOR:
        return
    threshold = FollowUpSettings.for_organisation(response.mentorship.association_id).pulse_alert_below
    if any(value is not None and int(value) < threshold for value in values.values()):
        pulse_alert(response.mentorship, on=timezone.localdate(response.answered_at))
