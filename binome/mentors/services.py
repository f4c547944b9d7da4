"""Writes on mentors: application, pipeline, training, honorability. Forms, imports and the API use these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.audit.services import log_access
from binome.mentors.models import (
    STAGES_NEEDING_REASON,
    CheckResult,
    HonorabilityCheck,
    Mentor,
    MentorEvent,
    MentorSettings,
    MentorStage,
    TrainingModule,
    TrainingRegistration,
    stage_allowed,
)
from binome.mentors.signals import honorability_failed
from binome.notifications.emails import send_email
from binome.utils.dates import one_year_after

CLOSED_STAGES = (MentorStage.LEFT, MentorStage.NOT_RETAINED)


def _event(mentor, *, stage="", detail="", by=None):
    return MentorEvent.objects.create(mentor=mentor, stage=stage, detail=detail[:300], actor=by)


def _emails(organisation, roles):
    return list(
        Membership.objects.filter(
            organisation=organisation, role__in=roles, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def mentor_apply(*, mentor: Mentor) -> Mentor:
    """A candidate applies through the association's public form. Nobody is logged in."""
    duplicate = Mentor.objects.filter(association=mentor.association, email__iexact=mentor.email).exclude(
        stage__in=CLOSED_STAGES
    )
    if duplicate.exists():
        raise ValidationError(
            "Nous avons déjà reçu votre candidature : l'association vous recontacte très vite."
        )
    mentor.stage = MentorStage.CANDIDATE
    mentor.stage_since = timezone.now()
    mentor.privacy_accepted_at = timezone.now()
    mentor.full_clean()
    mentor.save()
    _event(mentor, stage=MentorStage.CANDIDATE, detail="Candidature en ligne")
    send_email(
        template="mentor_application_received",
        to=[mentor.email],
        context={"association": mentor.association, "first_name": mentor.first_name},
    )
    staff = _emails(mentor.association, (Role.MANAGER, Role.COORDINATOR))
    if staff:
        send_email(
            template="mentor_new_candidate",
            to=staff,
            context={"url": reverse("mentors:detail", kwargs={"mentor_id": mentor.pk})},
        )
    return mentor


IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "birth_place")


@transaction.atomic
def mentor_save(*, mentor: Mentor, by, organisation) -> Mentor:
    """Create or update a mentor's file. Changing the identity of someone already checked voids the
    honorability check: the clearance belongs to a person, not to a file."""
    creating = mentor._state.adding
    mentor.full_clean()
    if not creating and (mentor.honorability_valid_until or mentor.checks.exists()):
        before = Mentor.objects.get(pk=mentor.pk)
        if any(getattr(before, f) != getattr(mentor, f) for f in IDENTITY_FIELDS):
            mentor.honorability_valid_until = None
            if mentor.stage == MentorStage.READY:
                mentor.stage, mentor.stage_since = MentorStage.VETTING, timezone.now()
            mentor.save()
            _event(
                mentor,
                stage=mentor.stage,
                by=by,
                detail="Identité modifiée : un nouveau contrôle d'honorabilité est nécessaire",
            )
            log_access(user=by, organisation=organisation, action="update", obj=mentor)
            return mentor
    mentor.save()
    if creating:
        by_whom = "le service ASE" if mentor.association.is_ase_service else "l'association"
        _event(mentor, stage=mentor.stage, detail=f"Fiche créée par {by_whom}", by=by)
    log_access(user=by, organisation=organisation, action="create" if creating else "update", obj=mentor)
    return mentor


@transaction.atomic
def mentor_move(
    *,
    mentor: Mentor,
    stage: str,
    by,
    organisation=None,
    reason: str = "",
    interview_at=None,
    interview_notes=None,
) -> Mentor:
    """Move a mentor along the pipeline. Leaving, pausing and refusing need a reason; being ready
    needs the required training and a valid honorability check."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if stage == mentor.stage:
        raise ValidationError({"stage": "Le mentor est déjà à cette étape."})
    if not stage_allowed(mentor.stage, stage):
        raise ValidationError(
            {
                "stage": f"On ne passe pas de « {mentor.get_stage_display()} » à "
                f"« {MentorStage(stage).label} »."
            }
        )
    if stage in STAGES_NEEDING_REASON and not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif."})
    if stage == MentorStage.INTERVIEW_PLANNED and not interview_at:
        raise ValidationError({"interview_at": "Indiquez la date de l'entretien."})
    if stage == MentorStage.READY:
        missing = readiness_problems(mentor)
        if missing:
            raise ValidationError({"stage": missing})
    mentor.stage = stage
    mentor.stage_since = timezone.now()
    mentor.stage_reason = reason.strip()
    fields = ["stage", "stage_since", "stage_reason", "updated_at"]
    if interview_at:
        mentor.interview_at = interview_at
        fields.append("interview_at")
    if interview_notes is not None:
        mentor.interview_notes = interview_notes
        fields.append("interview_notes")
    mentor.save(update_fields=fields)
    _event(mentor, stage=stage, detail=mentor.stage_reason, by=by)
    if organisation is not None:
        log_access(user=by, organisation=organisation, action="update", obj=mentor)
    return mentor


def stale_before(association) -> datetime.datetime:
    """Candidates at the same step since before this moment are waiting too long."""
    days = MentorSettings.for_organisation(association).stale_after_days
    return timezone.now() - datetime.timedelta(days=days)


def readiness_problems(mentor: Mentor, on: datetime.date | None = None) -> list[str]:
    on = on or timezone.localdate()
    problems = []
    if not mentor.training_complete:
        problems.append("La formation requise par l'association n'est pas terminée.")
    if not mentor.honorability_valid_until or mentor.honorability_valid_until < on:
        problems.append("Le contrôle d'honorabilité n'est pas conforme et en cours de validité.")
    return problems


# --- Training -------------------------------------------------------------------------------------


def refresh_training(mentor: Mentor) -> bool:
    """Training is complete when every module the association requires was attended in some session."""
    required = set(
        TrainingModule.objects.filter(
            association=mentor.association, required_before_matching=True
        ).values_list("pk", flat=True)
    )
    registrations = TrainingRegistration.objects.filter(mentor=mentor, attended=True)
    attended = set(registrations.values_list("session__modules", flat=True))
    # Without a required module, at least one session attended still counts as the training.
    complete = required <= attended if required else registrations.exists()
    if complete != mentor.training_complete:
        mentor.training_complete = complete
        mentor.save(update_fields=["training_complete", "updated_at"])
        if complete:
            _event(mentor, detail="Formation requise terminée")
    return complete


@transaction.atomic
def training_register(*, session, mentor: Mentor, by) -> TrainingRegistration:
    if session.association_id != mentor.association_id:
        raise ValidationError("Cette session appartient à une autre association.")
    if session.registrations.count() >= session.capacity:
        raise ValidationError("La session est complète.")
    registration, created = TrainingRegistration.objects.get_or_create(session=session, mentor=mentor)
    if not created:
        raise ValidationError("Ce mentor est déjà inscrit à cette session.")
    _event(mentor, detail=f"Inscrit·e à la formation « {session.title} »", by=by)
    return registration


@transaction.atomic
def training_attendance(*, session, attended_ids: set, by) -> None:
    """Record who attended; absent is every other registered mentor."""
    if session.starts_at > timezone.now():
        raise ValidationError("Cette session n'a pas encore eu lieu : les présences se notent après.")
    for registration in session.registrations.select_related("mentor"):
        present = str(registration.mentor_id) in attended_ids
        if registration.attended != present:
            registration.attended = present
            registration.save(update_fields=["attended", "updated_at"])
        refresh_training(registration.mentor)


# --- Honorability ---------------------------------------------------------------------------------


def honorability_valid_until(checks) -> datetime.date | None:
    """The mentor's one honorability status, from the results every département recorded.

    Each département's latest *requested* check stands for that département: a failure stays in
    force until a check it asked for after it comes back compliant, whatever dates the results
    carry. Across départements (an association working with two of them), a failure recorded by one
    can only be lifted by that one — another département's compliant result never overrides it —
    and the mentor is valid until the latest date any département vouched for.
    """
    latest = {}
    for check in sorted(checks, key=lambda c: (c.requested_on, c.created_at), reverse=True):
        if check.result != CheckResult.PENDING:
            latest.setdefault(check.departement_id, check)
    if any(c.result != CheckResult.COMPLIANT for c in latest.values()):
        return None
    return max((c.valid_until for c in latest.values() if c.valid_until), default=None)


def _refresh_honorability(mentor: Mentor) -> None:
    valid_until = honorability_valid_until(mentor.checks.all())
    if valid_until != mentor.honorability_valid_until:
        mentor.honorability_valid_until = valid_until
        mentor.save(update_fields=["honorability_valid_until", "updated_at"])


@transaction.atomic
def check_request(*, mentor: Mentor, departement, requested_on, by) -> HonorabilityCheck:
    if mentor.checks.filter(result=CheckResult.PENDING).exists():
        raise ValidationError("Un contrôle est déjà en attente de résultat pour ce mentor.")
    check = HonorabilityCheck(
        mentor=mentor, departement=departement, requested_on=requested_on, recorded_by=by
    )
    check.full_clean()
    check.save()
    _event(mentor, detail="Contrôle d'honorabilité demandé par le département", by=by)
    log_access(user=by, organisation=departement, action="create", obj=check, departement=departement)
    return check


@transaction.atomic
def check_result(
    *, check: HonorabilityCheck, result: str, result_on, by, departement=None, valid_until=None
) -> HonorabilityCheck:
    """Record the result. Compliant: valid one year unless told otherwise; a vetted, trained mentor
    becomes ready. Not compliant: unmatchable at once; a mentor in a pair raises an alert the
    département must confirm (check_confirm_failure)."""
    if departement is not None and check.departement_id != departement.pk:
        raise ValidationError("Ce contrôle a été demandé par un autre département.")
    if result == CheckResult.PENDING:
        raise ValidationError({"result": "Indiquez le résultat du contrôle."})
    if valid_until and result_on and not result_on <= valid_until <= one_year_after(result_on):
        raise ValidationError({"valid_until": "Un contrôle vaut un an au plus après son résultat."})
    check.result = result
    check.result_on = result_on
    check.recorded_by = by
    check.valid_until = valid_until or check.default_valid_until()
    if result != CheckResult.COMPLIANT:
        check.valid_until = None
    check.full_clean()
    check.save()
    mentor = Mentor.objects.get(pk=check.mentor_id)
    _refresh_honorability(mentor)
    log_access(
        user=by, organisation=check.departement, action="update", obj=check, departement=check.departement
    )
    if result == CheckResult.COMPLIANT:
        _event(
            mentor,
            detail=f"Contrôle d'honorabilité conforme, valable jusqu'au {check.valid_until:%d/%m/%Y}",
            by=by,
        )
        if mentor.stage == MentorStage.VETTING and not readiness_problems(mentor):
            mentor_move(
                mentor=mentor,
                stage=MentorStage.READY,
                by=by,
                organisation=check.departement,
                reason="Formé·e et contrôle d'honorabilité conforme",
            )
        return check
    _event(mentor, detail="Contrôle d'honorabilité non conforme", by=by)
    if mentor.stage == MentorStage.IN_PAIR:
        recipients = _emails(check.departement, (Role.PILOT,)) + _emails(
            mentor.association, (Role.MANAGER, Role.REFERRER)
        )
        send_email(
            template="honorability_alert", to=recipients, context={"url": reverse("mentors:check_list")}
        )
    elif mentor.stage == MentorStage.VETTING:
        mentor_move(mentor=mentor, stage=MentorStage.NOT_RETAINED, by=by, reason="Contrôle d'honorabilité")
    elif mentor.stage in (MentorStage.READY, MentorStage.PAUSED, MentorStage.TRAINING):
        mentor_move(mentor=mentor, stage=MentorStage.LEFT, by=by, reason="Contrôle d'honorabilité")
    return check


@transaction.atomic
def check_confirm_failure(*, check: HonorabilityCheck, by) -> Mentor:
    """The département confirms: the mentoring ends (art. D.221-39). The pair lifecycle listens to
    `honorability_failed` to close the pair with the reason « honorabilité »."""
    if check.result != CheckResult.NOT_COMPLIANT or check.failure_confirmed_at:
        raise ValidationError("Ce contrôle n'attend pas de confirmation.")
    check.failure_confirmed_at = timezone.now()
    check.save(update_fields=["failure_confirmed_at", "updated_at"])
    mentor = check.mentor
    honorability_failed.send(sender=Mentor, mentor=mentor, check=check, by=by)
    mentor.refresh_from_db()
    if mentor.stage not in CLOSED_STAGES:
        mentor_move(mentor=mentor, stage=MentorStage.LEFT, by=by, reason="Contrôle d'honorabilité")
    return mentor


# --- Places in pairs ------------------------------------------------------------------------------


@transaction.atomic
def mentor_take_place(*, mentor: Mentor, by) -> Mentor:
    """Give one of the mentor's places to a new pair. The check and the increment are a single
    conditional UPDATE, so two coordinators validating pairs for the last place at the same moment
    cannot both succeed, on PostgreSQL as on SQLite."""
    taken = (
        Mentor.objects.matchable()
        .filter(pk=mentor.pk)
        .update(current_pairs=models.F("current_pairs") + 1, updated_at=timezone.now())
    )
    if not taken:
        mentor.refresh_from_db()
        problems = readiness_problems(mentor)
        if mentor.stage not in (MentorStage.READY, MentorStage.IN_PAIR):
            problems.insert(0, f"Ce mentor est à l'étape « {mentor.get_stage_display()} ».")
        if mentor.current_pairs >= mentor.capacity:
            problems = [
                "Ce mentor n'a plus de place : un autre binôme vient de lui être attribué "
                f"({mentor.current_pairs} sur {mentor.capacity})."
            ]
        raise ValidationError(problems or ["Ce mentor n'est pas disponible pour un binôme."])
    mentor.refresh_from_db()
    if mentor.stage == MentorStage.READY:
        mentor_move(mentor=mentor, stage=MentorStage.IN_PAIR, by=by)
    return mentor


@transaction.atomic
def mentor_release_place(*, mentor: Mentor, by) -> Mentor:
    """A pair of this mentor ended: free the place; a mentor with no pair left is ready again."""
    Mentor.objects.filter(pk=mentor.pk, current_pairs__gt=0).update(
        current_pairs=models.F("current_pairs") - 1, updated_at=timezone.now()
    )
    mentor.refresh_from_db()
    if mentor.stage == MentorStage.IN_PAIR and mentor.current_pairs == 0:
        mentor_move(mentor=mentor, stage=MentorStage.READY, by=by, reason="Fin de son binôme")
    return mentor
