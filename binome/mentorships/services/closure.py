"""The end of a pair and what may follow: closure, reopening, renewal (reconduction) and a new mentor
for the youth."""

import datetime
import itertools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from binome.mentors.models import Mentor, MentorStage
from binome.mentors.services import mentor_move, mentor_release_place, mentor_take_place
from binome.mentorships.models import (
    MENTORSHIP_LIFECYCLE,
    REASON_CATEGORY,
    Agreement,
    Closure,
    ClosureCategory,
    ClosureReason,
    FollowUpSettings,
    Meeting,
    MeetingKind,
    MeetingModality,
    MeetingStatus,
    MentorAccess,
    Mentorship,
    MentorshipState,
    ObjectivesReached,
)
from binome.mentorships.services.agreements import _initial_terms
from binome.mentorships.services.colour import refresh_follow_up
from binome.mentorships.services.common import _log, _today
from binome.mentorships.services.meetings import refresh_meetings
from binome.youths import rules
from binome.youths.services import referral_rematch


def frequency_kept(mentorship, ended_on: datetime.date) -> bool | None:
    """Every gap between the launch, the meetings held and the end within the association's rhythm."""
    if not mentorship.started_at:
        return None
    limit = FollowUpSettings.for_organisation(mentorship.association_id).meeting_every_days
    days = sorted(
        timezone.localdate(at)
        for at in mentorship.meetings.filter(
            kind__in=[MeetingKind.SESSION, MeetingKind.LAUNCH], status=MeetingStatus.HELD
        ).values_list("at", flat=True)
    )
    points = [mentorship.started_at, *[d for d in days if mentorship.started_at <= d <= ended_on], ended_on]
    return all((b - a).days <= limit for a, b in itertools.pairwise(points))


def _release_mentor(mentorship, *, by, may_rematch, reason) -> None:
    mentor = mentorship.mentor
    try:
        mentor = mentor_release_place(mentor=mentor, by=by)
    except ValidationError:
        # No longer ready (honorability or training to renew): free the place, keep the stage decisions
        # to the mentor pathway (the département's confirmation moves a failed mentor out).
        Mentor.objects.filter(pk=mentor.pk, current_pairs__gt=0).update(
            current_pairs=models.F("current_pairs") - 1, updated_at=timezone.now()
        )
        mentor.refresh_from_db()
        if (
            reason != ClosureReason.HONORABILITY
            and mentor.stage == MentorStage.IN_PAIR
            and not mentor.current_pairs
        ):
            mentor_move(
                mentor=mentor,
                stage=MentorStage.PAUSED,
                by=by,
                reason="Fin de son binôme ; contrôle d'honorabilité ou formation à renouveler",
            )
        return
    mentor.refresh_from_db()
    if may_rematch is False and mentor.stage == MentorStage.READY:
        mentor_move(
            mentor=mentor,
            stage=MentorStage.PAUSED,
            by=by,
            reason="À ne pas remettre en binôme sans avis de l'association (clôture d'un binôme)",
        )


@transaction.atomic
def mentorship_close(
    *,
    mentorship: Mentorship,
    by,
    reason: str,
    ended_on: datetime.date | None = None,
    organisation=None,
    objectives_reached: str = "",
    mentor_may_rematch: bool | None = None,
    closing_meeting_on: datetime.date | None = None,
    comment: str = "",
    automatic: bool = False,
    concern_resolutions: dict | None = None,
) -> Closure:
    """Close the pair with a two-level reason. Meetings are counted, the frequency checked, the mentor's
    place freed, the mentor's links stop, and the exit surveys are opened for the youth and the mentor.
    Each concern still open needs what was done about it (`concern_resolutions`: concern id → text),
    except for an automatic closure, which resolves them itself."""
    from binome.surveys.services import exit_surveys_open, pulse_surveys_cancel

    mentorship = (
        Mentorship.objects.select_for_update().select_related("mentor", "youth").get(pk=mentorship.pk)
    )
    MENTORSHIP_LIFECYCLE.check(mentorship.state, "close", "Ce binôme est clôturé.")
    ended_on = ended_on or _today()
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Indiquez le motif de fin."
    if ended_on > _today():
        errors["ended_on"] = "La clôture s'enregistre le jour de la fin ou après."
    elif ended_on < (mentorship.started_at or timezone.localdate(mentorship.validated_at)):
        errors["ended_on"] = "La fin ne peut pas précéder le début du binôme."
    if closing_meeting_on and (
        closing_meeting_on > _today()
        or (mentorship.started_at and closing_meeting_on < mentorship.started_at)
    ):
        errors["closing_meeting_on"] = "La rencontre de clôture doit avoir eu lieu pendant le binôme."
    if not automatic:
        if mentorship.started_at and objectives_reached not in ObjectivesReached.values:
            errors["objectives_reached"] = (
                "Indiquez si les objectifs sont atteints (ce n'est pas forcément un échec)."
            )
        if mentor_may_rematch is None:
            errors["mentor_may_rematch"] = "Indiquez si le mentor peut être remis en binôme."
    open_concerns = list(mentorship.concerns.filter(resolved_at__isnull=True))
    resolutions = {}
    for concern in open_concerns:
        text = (concern_resolutions or {}).get(concern.pk, "").strip()
        if automatic and not text:
            text = f"Binôme clôturé automatiquement ({ClosureReason(reason).label.lower()})."
        if not text:
            errors[f"concern_{concern.pk}"] = (
                "Une préoccupation est encore ouverte : indiquez ce qui a été fait avant de clôturer."
            )
        resolutions[concern.pk] = text[:500]
    if errors:
        raise ValidationError(errors)
    for concern in open_concerns:
        concern.resolved_at, concern.resolved_by, concern.resolution = (
            timezone.now(),
            by,
            resolutions[concern.pk],
        )
        concern.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    if open_concerns:
        Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=False)
        mentorship.concern_open = False
    if closing_meeting_on:
        Meeting.objects.create(
            mentorship=mentorship,
            kind=MeetingKind.CLOSING,
            status=MeetingStatus.HELD,
            at=timezone.make_aware(datetime.datetime.combine(closing_meeting_on, datetime.time(17, 0))),
            modality=MeetingModality.IN_PERSON,
            recorded_by=by,
        )
    mentorship.meetings.filter(status=MeetingStatus.PLANNED).update(
        status=MeetingStatus.CANCELLED, updated_at=timezone.now()
    )
    refresh_meetings(mentorship)
    kept = frequency_kept(mentorship, ended_on)
    category = REASON_CATEGORY[ClosureReason(reason)]
    closure = Closure.objects.create(
        mentorship=mentorship,
        ended_on=ended_on,
        closing_meeting_on=closing_meeting_on,
        category=category,
        reason=reason,
        objectives_reached=objectives_reached or "",
        meetings_in_person=mentorship.meetings_in_person,
        meetings_remote=mentorship.meetings_remote,
        frequency_kept=kept,
        mentor_may_rematch=mentor_may_rematch,
        comment=comment.strip(),
        automatic=automatic,
        closed_by=by,
    )
    mentorship.state = MentorshipState.CLOSED
    mentorship.ended_at = ended_on
    mentorship.closure_category = category
    mentorship.closure_reason = reason
    mentorship.objectives_reached = objectives_reached or ""
    mentorship.frequency_kept = kept
    mentorship.mentor_may_rematch = mentor_may_rematch
    mentorship.save(
        update_fields=[
            "state",
            "ended_at",
            "closure_category",
            "closure_reason",
            "objectives_reached",
            "frequency_kept",
            "mentor_may_rematch",
            "updated_at",
        ]
    )
    refresh_follow_up(mentorship, notify=False)
    MentorAccess.objects.filter(mentorship=mentorship, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _release_mentor(mentorship, by=by, may_rematch=mentor_may_rematch, reason=reason)
    pulse_surveys_cancel(mentorship=mentorship)
    if mentorship.started_at:
        exit_surveys_open(mentorship=mentorship, email_mentor=category != ClosureCategory.SAFETY)
    _log(by, organisation or mentorship.association, mentorship, "update")
    return closure


@transaction.atomic
def mentorship_reopen(*, mentorship: Mentorship, by, organisation, reason: str) -> Mentorship:
    """Staff reopen a closed pair (a closure entered by mistake, a pair that starts again). The closure
    stays, marked reopened, with who, when and why."""
    from binome.surveys.services import exit_surveys_cancel

    mentorship = Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
    reopen = "reopen" if mentorship.started_at else "reopen_before_launch"
    MENTORSHIP_LIFECYCLE.check(mentorship.state, reopen, "Ce binôme n'est pas clôturé.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez pourquoi le binôme est rouvert."})
    if mentorship.renewals.exists():
        raise ValidationError("Ce binôme a été reconduit par un nouveau binôme : rouvrez plutôt celui-ci.")
    if Mentorship.objects.open().filter(youth=mentorship.youth_id).exists():
        raise ValidationError("Ce jeune a déjà un autre binôme en cours.")
    if mentorship.closure_category == ClosureCategory.SAFETY:
        raise ValidationError(
            "Ce binôme a pris fin pour une raison de sécurité : il ne peut pas être rouvert."
        )
    if mentorship.closure_reason == ClosureReason.CONSENT_WITHDRAWN:
        raise ValidationError(
            "Ce binôme a pris fin au retrait d'un consentement : il ne peut reprendre qu'avec une nouvelle "
            "orientation, une fois les consentements recueillis à nouveau."
        )
    blockers = rules.submission_blockers(mentorship.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit plus les conditions : " + blockers[0], *blockers[1:]]
        )
    mentor_take_place(mentor=mentorship.mentor, by=by)
    closure = mentorship.closures.filter(reopened_at__isnull=True).first()
    if closure:
        closure.reopened_at = timezone.now()
        closure.reopened_by = by
        closure.reopen_reason = reason.strip()[:300]
        closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason", "updated_at"])
    mentorship.state = MENTORSHIP_LIFECYCLE.next_state(mentorship.state, reopen)
    mentorship.ended_at = None
    mentorship.closure_category = mentorship.closure_reason = mentorship.objectives_reached = ""
    mentorship.frequency_kept = mentorship.mentor_may_rematch = None
    mentorship.save()
    exit_surveys_cancel(mentorship=mentorship)
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return mentorship


@transaction.atomic
def mentorship_renew(*, mentorship: Mentorship, by, organisation) -> Mentorship:
    """Reconduction: a new pair with the same youth and mentor, after the previous one ended. It has its
    own agreement and is counted apart from new pairs (`is_renewal`)."""
    previous = Mentorship.objects.select_for_update().select_related("youth", "mentor").get(pk=mentorship.pk)
    if previous.state != MentorshipState.CLOSED:
        raise ValidationError(
            "Un binôme en cours se prolonge par un avenant ; la reconduction suit un binôme clôturé."
        )
    if previous.closure_category == ClosureCategory.SAFETY:
        raise ValidationError(
            "Ce binôme a pris fin pour une raison de sécurité : il ne peut pas être reconduit."
        )
    if previous.renewals.exists():
        raise ValidationError("Ce binôme a déjà été reconduit.")
    blockers = rules.submission_blockers(previous.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit plus les conditions : " + blockers[0], *blockers[1:]]
        )
    mentor_take_place(mentor=previous.mentor, by=by)
    try:
        with transaction.atomic():
            renewal = Mentorship.objects.create(
                association=previous.association,
                coordination=previous.coordination,
                departement=previous.departement,
                youth=previous.youth,
                mentor=previous.mentor,
                referral=previous.referral,
                coordinator=previous.coordinator or by,
                is_renewal=True,
                previous=previous,
                proposed_at=timezone.now(),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("Ce jeune a déjà un binôme en cours.") from None
    Agreement.objects.create(mentorship=renewal, created_by=by, **_initial_terms(renewal))
    refresh_follow_up(renewal, notify=False)
    _log(by, organisation, renewal, "create")
    return renewal


@transaction.atomic
def mentorship_rematch(*, mentorship: Mentorship, by, organisation):
    """« Proposer un nouveau mentor »: after a pair closed, its youth waits again for a mentor at the
    association, with the consents and the assessment kept while they are valid. Returns the referral."""
    mentorship = Mentorship.objects.select_for_update().select_related("youth").get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.CLOSED:
        raise ValidationError("Le binôme est en cours : clôturez-le avant de proposer un nouveau mentor.")
    if (
        mentorship.closure_category == ClosureCategory.SAFETY
        and mentorship.closure_reason == ClosureReason.SAFETY
    ):
        raise ValidationError(
            "Ce binôme a pris fin pour la sécurité du jeune : voyez avec son référent avant un nouveau binôme."
        )
    if mentorship.referral is None:
        raise ValidationError(
            "Ce binôme n'a pas d'orientation : le référent ASE en crée une depuis la fiche."
        )
    referral = referral_rematch(referral=mentorship.referral, by=by, organisation=organisation)
    _log(by, organisation, mentorship, "update")
    return referral
