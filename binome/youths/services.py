"""Writes on the youth pathway. Forms, imports and (later) the API all go through these.

Every change records an event on the youth's timeline and an access-log entry.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.notifications.emails import send_email
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Territory
from binome.youths import rules
from binome.youths.models import (
    REFERRAL_LIFECYCLE,
    AssessmentConclusion,
    ConcertedParty,
    Consent,
    ConsentKind,
    EventKind,
    Information,
    PathwaySettings,
    ProposalOutcome,
    Referral,
    ReferralState,
    SituationAssessment,
    Youth,
    YouthEvent,
)
from binome.youths.signals import pathway_stopped


def record_event(youth, kind, *, by=None, organisation=None, detail="", visible_to_association=False):
    return YouthEvent.objects.create(
        youth=youth,
        kind=kind,
        actor=by,
        organisation=organisation,
        detail=detail[:300],
        visible_to_association=visible_to_association,
    )


def _territory_for(youth) -> Territory | None:
    if youth.commune_id is None:
        return None
    return Territory.objects.filter(departement=youth.departement_id, communes=youth.commune_id).first()


def _refresh_consents(youth) -> None:
    complete = not rules.youth_missing_consents(youth)
    if complete != youth.consents_complete:
        youth.consents_complete = complete
        youth.save(update_fields=["consents_complete", "updated_at"])


@transaction.atomic
def youth_save(*, youth: Youth, objectives=None, by, organisation, imported=False) -> Youth:
    """Create or update a youth record (form or import). Validates, fills the territory from the commune."""
    creating = youth._state.adding
    if youth.commune_id and not youth.territory_id:
        youth.territory = _territory_for(youth)
    if youth.school_level_id and youth.school_year is None:
        youth.school_year = rules.school_year_of(timezone.localdate())  # a level recorded today
    youth.full_clean(exclude=["objectives"])
    if youth.birth_date:
        youth.first_assessment_due_on = rules.first_assessment_due(
            youth.birth_date,
            youth.care_started_on,
            youth.school_level.code if youth.school_level_id else None,
            youth.school_year,
        )
    youth.save()
    if objectives is not None:
        youth.objectives.set(objectives)
    _refresh_consents(youth)
    kind = EventKind.IMPORTED if imported else (EventKind.CREATED if creating else EventKind.UPDATED)
    record_event(youth, kind, by=by, organisation=organisation)
    log_access(
        user=by,
        organisation=organisation,
        action="create" if creating else "update",
        obj=youth,
        departement=youth.departement,
    )
    return youth


def open_pair(youth):
    """The youth's running pair, if any (read through the reverse relation: youths sits below pairs)."""
    return youth.mentorships.filter(state__in=("agreement", "active")).first()


def _check_concerted(*, youth, date, concerted_parties, participants, youth_opinion) -> None:
    """Art. D.221-40: a running mentoring ends « après une évaluation concertée associant l'enfant »."""
    errors = {}
    if ConcertedParty.YOUTH not in concerted_parties:
        errors["concerted_parties"] = (
            "Le jeune est en binôme : il doit être associé à l'évaluation qui met fin à son mentorat "
            "(art. D.221-40)."
        )
    elif len(set(concerted_parties)) < 2:
        errors["concerted_parties"] = "Une évaluation concertée associe le jeune et au moins un autre acteur."
    if not participants.strip():
        errors["participants"] = "Indiquez qui a pris part à l'évaluation concertée (noms et fonctions)."
    if not youth_opinion.strip():
        errors["youth_opinion"] = "Notez l'avis du jeune sur son mentorat : l'évaluation en tient compte."
    pair = open_pair(youth)
    if pair is not None and date < timezone.localdate(pair.validated_at):
        errors["date"] = (
            "Cette évaluation précède le binôme en cours : elle ne peut pas y mettre fin. "
            "Enregistrez l'évaluation concertée qui a eu lieu depuis."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_record(
    *,
    youth: Youth,
    by,
    organisation,
    date,
    author_name,
    conclusion,
    ppe_reference="",
    notes="",
    concerted_parties=(),
    participants="",
    youth_opinion="",
) -> SituationAssessment:
    """Record a situation assessment (art. D.221-34). When it concludes that mentoring no longer serves the
    youth, the open referral is withdrawn and, if a pair is running, it is ended (art. D.221-40: « il est mis
    fin au mentorat ») after the evaluation concerted with the youth, whose participants are recorded; the
    pair lifecycle closes it and informs the association and the youth's referent."""
    concerted_parties = [p for p in dict.fromkeys(concerted_parties or []) if p in ConcertedParty.values]
    ends_pair = conclusion == AssessmentConclusion.NOT_IN_INTEREST and open_pair(youth) is not None
    assessment = SituationAssessment(
        youth=youth,
        date=date,
        author_name=author_name,
        conclusion=conclusion,
        ppe_reference=ppe_reference,
        notes=notes,
        concerted_parties=concerted_parties,
        participants=participants.strip()[:300],
        youth_opinion=youth_opinion.strip(),
        recorded_by=by,
    )
    assessment.full_clean()
    if ends_pair:
        _check_concerted(
            youth=youth,
            date=date,
            concerted_parties=concerted_parties,
            participants=participants,
            youth_opinion=youth_opinion,
        )
    assessment.save()
    latest = youth.assessments.order_by("-date", "-created_at").first()
    youth.assessment_date = latest.date
    youth.assessment_in_interest = latest.conclusion == "in_interest"
    youth.save(update_fields=["assessment_date", "assessment_in_interest", "updated_at"])
    record_event(
        youth,
        EventKind.ASSESSMENT,
        by=by,
        organisation=organisation,
        detail=f"{assessment.get_conclusion_display()} (évaluation du {date:%d/%m/%Y})",
        visible_to_association=ends_pair,
    )
    log_access(
        user=by, organisation=organisation, action="create", obj=assessment, departement=youth.departement
    )
    if not youth.assessment_in_interest:
        # Art. D.221-40: mentoring ends when it no longer serves the youth's interest.
        _stop_open_referral(youth, by=by, organisation=organisation, reason_code="not_in_interest")
    if ends_pair and not youth.assessment_in_interest:
        pathway_stopped.send(
            sender=Youth, youth=youth, reason="not_in_interest", by=by, assessment=assessment
        )
    return assessment


@transaction.atomic
def proposal_record(*, youth: Youth, by, organisation, outcome, date, postponed_until=None) -> Youth:
    """The outcome of the systematic proposal of a mentor (art. L.221-2-6), after the situation assessment
    (art. D.221-34: `rules.proposal_blockers`)."""
    if outcome == ProposalOutcome.POSTPONED and not postponed_until:
        raise ValidationError({"postponed_until": "Indiquez jusqu'à quand la proposition est reportée."})
    if postponed_until and postponed_until <= date:
        raise ValidationError({"postponed_until": "La date de report doit suivre la date de la proposition."})
    if date > timezone.localdate():
        raise ValidationError({"date": "La proposition ne peut pas être datée dans le futur."})
    blockers = rules.proposal_blockers(youth, outcome, date)
    if blockers:
        raise ValidationError(blockers)
    youth.proposal_outcome = outcome
    youth.proposal_date = date
    youth.proposal_postponed_until = postponed_until if outcome == ProposalOutcome.POSTPONED else None
    youth.save(update_fields=["proposal_outcome", "proposal_date", "proposal_postponed_until", "updated_at"])
    detail = ProposalOutcome(outcome).label
    if youth.proposal_postponed_until:
        detail += f" jusqu'au {postponed_until:%d/%m/%Y}"
    record_event(youth, EventKind.PROPOSAL, by=by, organisation=organisation, detail=detail)
    log_access(user=by, organisation=organisation, action="update", obj=youth, departement=youth.departement)
    if outcome != ProposalOutcome.ACCEPTED:
        reason_code = {
            ProposalOutcome.DECLINED_YOUTH: "youth_changed_mind",
            ProposalOutcome.DECLINED_GUARDIANS: "consent_withdrawn",
        }.get(outcome, "other")
        _stop_open_referral(youth, by=by, organisation=organisation, reason_code=reason_code)
    return youth


@transaction.atomic
def information_record(
    *, youth: Youth, by, organisation, party, recipient_name, date, method, given_by, leaflet_given=True
) -> Information:
    """Art. D.221-35 al.1: the information given to the youth or a holder of parental authority."""
    if party not in rules.required_information(youth.legal_status, youth.authority_holders):
        raise ValidationError(
            {"party": "Cette personne n'a pas à être informée vu la situation juridique du jeune."}
        )
    record = Information(
        youth=youth,
        party=party,
        recipient_name=recipient_name.strip(),
        date=date,
        method=method,
        given_by=given_by.strip(),
        leaflet_given=leaflet_given,
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    record_event(
        youth, EventKind.INFORMATION, by=by, organisation=organisation, detail=record.get_party_display()
    )
    log_access(user=by, organisation=organisation, action="create", obj=record, departement=youth.departement)
    return record


@transaction.atomic
def consent_record(*, youth: Youth, by, organisation, kind, given_by, date, method, document=None) -> Consent:
    if kind not in rules.required_consents(youth.legal_status, youth.authority_holders):
        raise ValidationError(
            {
                "kind": f"Ce consentement ne correspond pas à la situation juridique du jeune "
                f"({youth.get_legal_status_display().lower()})."
            }
        )
    consent = Consent(youth=youth, kind=kind, given_by=given_by, date=date, method=method, recorded_by=by)
    if document:
        consent.document = document
    if kind in rules.WRITTEN_KINDS and (method not in rules.WRITTEN_METHODS or not document):
        raise ValidationError(
            {
                "document": "Cet accord doit être écrit : joignez le document signé "
                "et choisissez « écrit signé », « formulaire » ou « décision »."
            }
        )
    if kind == ConsentKind.PARENT and any(
        rules.giver_key(c.given_by) == rules.giver_key(given_by)
        for c in youth.consents.filter(kind=ConsentKind.PARENT, withdrawn_at__isnull=True)
    ):
        raise ValidationError(
            {
                "given_by": "L'accord de cette personne est déjà enregistré : le second "
                "titulaire de l'autorité parentale doit donner le sien."
            }
        )
    consent.full_clean()
    consent.save()
    _refresh_consents(youth)
    record_event(
        youth, EventKind.CONSENT, by=by, organisation=organisation, detail=consent.get_kind_display()
    )
    log_access(
        user=by, organisation=organisation, action="create", obj=consent, departement=youth.departement
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, organisation, note="") -> Consent:
    """A withdrawn consent stops the pathway: the open referral is withdrawn, and listeners
    (the pair, once there is one) are told through the `pathway_stopped` signal."""
    if consent.withdrawn_at:
        raise ValidationError("Ce consentement est déjà retiré.")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note", "updated_at"])
    youth = consent.youth
    _refresh_consents(youth)
    record_event(
        youth,
        EventKind.CONSENT_WITHDRAWN,
        by=by,
        organisation=organisation,
        detail=consent.get_kind_display(),
        visible_to_association=True,
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=consent, departement=youth.departement
    )
    _stop_open_referral(youth, by=by, organisation=organisation, reason_code="consent_withdrawn")
    pathway_stopped.send(sender=Youth, youth=youth, reason="consent_withdrawn", by=by)
    return consent


def _stop_open_referral(youth, *, by, organisation, reason_code):
    referral = youth.referrals.open().first()
    if referral is not None:
        referral_withdraw(referral=referral, by=by, organisation=organisation, reason_code=reason_code)


# --- Referral -----------------------------------------------------------------------------------


def _check_step(referral, action: str) -> str:
    """The state `action` leads the referral to, when its state allows it (REFERRAL_LIFECYCLE)."""
    return REFERRAL_LIFECYCLE.check(
        referral.state,
        action,
        f"Cette orientation est « {referral.get_state_display()} » : action impossible.",
    )


def _routed_to(referral, association, action: str) -> Referral:
    """Lock a referral the association is answering; it must be routed to that association."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check_step(referral, action)
    if referral.association_id != association.pk:
        raise ValidationError("Cette orientation ne concerne pas votre association.")
    return referral


def _check_gate(referral):
    """The legal gate holds at every step, not only when the referral is sent."""
    blockers = rules.submission_blockers(referral.youth)
    if blockers:
        raise ValidationError(["Le dossier ne remplit plus les conditions : " + blockers[0], *blockers[1:]])


@transaction.atomic
def referral_create(*, youth: Youth, by, organisation, message="") -> Referral:
    if youth.referrals.open().exists():
        raise ValidationError("Ce jeune a déjà une fiche d'orientation en cours.")
    referral = Referral.objects.create(
        youth=youth, departement=youth.departement, message=message, created_by=by
    )
    record_event(youth, EventKind.REFERRAL_CREATED, by=by, organisation=organisation)
    log_access(
        user=by, organisation=organisation, action="create", obj=referral, departement=youth.departement
    )
    return referral


@transaction.atomic
def referral_submit(*, referral: Referral, by, organisation) -> Referral:
    """Send the referral to the département. The legal gate: proposal accepted, valid assessment
    concluding in the youth's interest, every consent the legal status requires."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check_step(referral, "submit")
    blockers = rules.submission_blockers(referral.youth)
    if blockers:
        raise ValidationError(blockers)
    referral.state = ReferralState.SUBMITTED
    referral.submitted_at = timezone.now()
    referral.save(update_fields=["state", "submitted_at", "updated_at"])
    record_event(referral.youth, EventKind.REFERRAL_SUBMITTED, by=by, organisation=organisation)
    if PathwaySettings.for_organisation(referral.departement).auto_routing:
        from binome.youths.routing import best_association

        choice = best_association(referral)
        if choice is not None:
            return referral_route(
                referral=referral,
                association=choice.association,
                by=by,
                organisation=referral.departement,
                automatic=True,
            )
    _notify_pilots(referral, template="referral_to_route")
    return referral


@transaction.atomic
def referral_route(*, referral: Referral, association, by, organisation, automatic=False) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check_step(referral, "route")
    if (
        not Convention.objects.current()
        .filter(departement=referral.departement, association=association)
        .exists()
    ):
        raise ValidationError(
            {"association": "Cette association n'a pas de convention en vigueur avec le département."}
        )
    if referral.declined_by_associations.filter(pk=association.pk).exists():
        raise ValidationError({"association": "Cette association a déjà refusé cette orientation."})
    _check_gate(referral)
    referral.state = ReferralState.ROUTED
    referral.association = association
    referral.routed_at = timezone.now()
    referral.routed_automatically = automatic
    referral.save(update_fields=["state", "association", "routed_at", "routed_automatically", "updated_at"])
    how = "automatiquement" if automatic else "par le département"
    record_event(
        referral.youth,
        EventKind.REFERRAL_ROUTED,
        by=None if automatic else by,
        organisation=organisation,
        detail=f"Vers {association} ({how})",
        visible_to_association=True,
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    _notify_members(
        association,
        (Role.MANAGER, Role.COORDINATOR),
        template="referral_routed",
        context={"referral": referral},
    )
    return referral


def _accept(referral: Referral, *, by, organisation, detail: str) -> None:
    """The association takes the youth on (first acceptance, or waiting again after a pair closed):
    only under a convention in force with the referral's département, and the legal gate still holds.
    The ASE service coordinating the youth's mentoring failing an association (art. D.221-36) needs none."""
    coordinating_service = organisation.is_ase_service and organisation.pk == referral.youth.ase_service_id
    if not coordinating_service and (
        not Convention.objects.current()
        .filter(departement=referral.departement, association=organisation)
        .exists()
    ):
        raise ValidationError("Votre convention avec le département n'est plus en vigueur.")
    _check_gate(referral)
    referral.state = ReferralState.ACCEPTED
    referral.accepted_at = timezone.now()
    referral.save(update_fields=["state", "accepted_at", "updated_at"])
    record_event(
        referral.youth,
        EventKind.REFERRAL_ACCEPTED,
        by=by,
        organisation=organisation,
        detail=detail,
        visible_to_association=True,
    )


@transaction.atomic
def referral_accept(*, referral: Referral, by, organisation) -> Referral:
    referral = _routed_to(referral, organisation, "accept")
    _accept(referral, by=by, organisation=organisation, detail=str(organisation))
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    if referral.youth.referrer and referral.youth.referrer.is_active:
        send_email(
            template="referral_accepted",
            to=[referral.youth.referrer.email],
            context={"referral": referral, "url": reverse("youths:detail", args=[referral.youth_id])},
        )
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, by, organisation, reason: ReferenceItem, comment="") -> Referral:
    """The association declines; the referral goes back to the département's routing queue."""
    referral = _routed_to(referral, organisation, "decline")
    if reason is None or reason.kind != ReferenceKind.DECLINE_REASON:
        raise ValidationError({"reason": "Le motif du refus est obligatoire."})
    if reason.code == "other" and not comment.strip():
        raise ValidationError({"comment": "Précisez le motif du refus."})
    referral.state = ReferralState.DECLINED
    referral.declined_at = timezone.now()
    referral.decline_reason = reason
    referral.decline_comment = comment
    referral.save(update_fields=["state", "declined_at", "decline_reason", "decline_comment", "updated_at"])
    referral.declined_by_associations.add(organisation)
    record_event(
        referral.youth,
        EventKind.REFERRAL_DECLINED,
        by=by,
        organisation=organisation,
        detail=f"{organisation} : {reason.label}",
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    _notify_pilots(referral, template="referral_declined")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, by, organisation, reason_code="other", reason=None) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not REFERRAL_LIFECYCLE.allows(referral.state, "withdraw"):
        raise ValidationError("Cette orientation est déjà retirée.")
    reason = (
        reason
        or ReferenceItem.objects.filter(
            departement=referral.departement, kind=ReferenceKind.WITHDRAWAL_REASON, code=reason_code
        ).first()
    )
    referral.state = ReferralState.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.withdrawal_reason = reason
    referral.save(update_fields=["state", "withdrawn_at", "withdrawal_reason", "updated_at"])
    record_event(
        referral.youth,
        EventKind.REFERRAL_WITHDRAWN,
        by=by,
        organisation=organisation,
        detail=reason.label if reason else "",
        visible_to_association=True,
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    return referral


@transaction.atomic
def referral_mark_matched(*, referral: Referral, by, organisation) -> Referral:
    """Called by the matching when a pair is validated for this youth."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check_step(referral, "match")
    referral.state = ReferralState.MATCHED
    referral.matched_at = timezone.now()
    referral.save(update_fields=["state", "matched_at", "updated_at"])
    record_event(
        referral.youth,
        EventKind.REFERRAL_MATCHED,
        by=by,
        organisation=organisation,
        visible_to_association=True,
    )
    return referral


@transaction.atomic
def referral_rematch(*, referral: Referral, by, organisation) -> Referral:
    """After a pair closed, the youth who still wants a mentor waits again at the same association: the
    referral goes back to « accepted », keeping the consents and the assessment while they are valid (the
    legal gate is checked again). The wait for the new pair counts from now."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state == ReferralState.WITHDRAWN:
        raise ValidationError(
            "L'orientation de ce jeune a été retirée : le référent ASE crée une nouvelle orientation depuis sa "
            "fiche."
        )
    _check_step(referral, "rematch")
    if referral.association_id != organisation.pk:
        raise ValidationError("Cette orientation ne concerne pas votre association.")
    if open_pair(referral.youth) is not None:
        raise ValidationError("Ce jeune a déjà un binôme en cours.")
    _accept(
        referral,
        by=by,
        organisation=organisation,
        detail=f"{organisation} : en attente d'un nouveau mentor après la fin du binôme",
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    return referral


@transaction.atomic
def youth_archive(*, youth: Youth, by, organisation, reason_code="end_of_care") -> Youth:
    youth.archived_at = timezone.now()
    youth.save(update_fields=["archived_at", "updated_at"])
    _stop_open_referral(youth, by=by, organisation=organisation, reason_code=reason_code)
    record_event(youth, EventKind.ARCHIVED, by=by, organisation=organisation)
    log_access(user=by, organisation=organisation, action="update", obj=youth, departement=youth.departement)
    return youth


# --- Notifications ------------------------------------------------------------------------------


def _notify_members(organisation, roles, *, template, context):
    emails = list(
        Membership.objects.filter(
            organisation=organisation, role__in=roles, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if emails:
        send_email(template=template, to=emails, context=context)


def _notify_pilots(referral, *, template):
    _notify_members(referral.departement, (Role.PILOT,), template=template, context={"referral": referral})
