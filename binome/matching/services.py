"""Writes on matching: proposals made by hand or by the batch solver, accepted or rejected by a person."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.audit.services import log_access
from binome.matching.models import Proposal, ProposalState, RejectReason
from binome.mentorships.services import mentorship_create
from binome.youths import rules

NO_LONGER_VALID = (
    "Cette proposition n'est plus valable : le jeune ou le mentor vient d'être mis en binôme "
    "par ailleurs. Recalculez les propositions."
)


def _locked(proposal, organisation) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update().select_related("referral", "mentor", "youth").get(pk=proposal.pk)
    )
    if proposal.association_id != organisation.pk:
        raise ValidationError("Cette proposition ne concerne pas votre association.")
    if proposal.state == ProposalState.SUPERSEDED:
        raise ValidationError(NO_LONGER_VALID)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError(f"Cette proposition est déjà « {proposal.get_state_display()} ».")
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by, organisation):
    """A coordinator validates a proposal: the pair is created, ready for its agreement.

    The legal gate is checked again (consents, assessment) and the mentor's place is taken by a
    conditional update, so of two coordinators taking the mentor's last place only one succeeds."""
    proposal = _locked(proposal, organisation)
    blockers = rules.submission_blockers(proposal.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit plus les conditions : " + blockers[0], *blockers[1:]]
        )
    mentorship = mentorship_create(
        referral=proposal.referral,
        mentor=proposal.mentor,
        by=by,
        organisation=organisation,
        proposed_at=proposal.created_at,
    )
    proposal.state = ProposalState.ACCEPTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    others = Proposal.objects.pending().exclude(pk=proposal.pk)
    others.filter(youth=proposal.youth_id).update(state=ProposalState.SUPERSEDED, updated_at=timezone.now())
    mentor = mentorship.mentor
    if mentor.current_pairs >= mentor.capacity:
        others.filter(mentor=mentor).update(state=ProposalState.SUPERSEDED, updated_at=timezone.now())
    return mentorship


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by, organisation, reason: str, comment: str = "") -> Proposal:
    """A coordinator sets a proposal aside: that youth–mentor pair will never be proposed again."""
    if reason not in RejectReason.values:
        raise ValidationError({"reject_reason": "Indiquez pourquoi ce binôme est écarté."})
    if reason == RejectReason.OTHER and not comment.strip():
        raise ValidationError({"reject_comment": "Précisez le motif."})
    proposal = _locked(proposal, organisation)
    proposal.state = ProposalState.REJECTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.reject_reason = reason
    proposal.reject_comment = comment.strip()
    proposal.save(
        update_fields=["state", "decided_at", "decided_by", "reject_reason", "reject_comment", "updated_at"]
    )
    log_access(user=by, organisation=organisation, action="update", obj=proposal)
    return proposal
