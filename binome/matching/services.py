"""Writes on matching: proposals made by hand or by the batch solver, accepted or rejected by a person."""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Organisation
from binome.audit.services import log_access
from binome.matching import assignment, candidates, pools
from binome.matching.models import MatchingWeights, Proposal, ProposalBatch, ProposalState, RejectReason
from binome.matching.scoring import hard_violations, score
from binome.mentors.models import Mentor
from binome.mentorships.services import mentorship_create
from binome.youths import rules
from binome.youths.models import Referral, ReferralState

NO_LONGER_VALID = (
    "Cette proposition n'est plus valable : le jeune ou le mentor vient d'être mis en binôme "
    "par ailleurs. Recalculez les propositions."
)


def lock_associations(associations) -> None:
    """Every write on proposals first locks the association's row (several: by primary key order).
    Decisions and calculations of one association thus run one after the other: no deadlock between
    two coordinators, none between a calculation and a decision, and a calculation never brings back
    a pair rejected while it was computing. A mentor belongs to one association, so this is enough."""
    list(Organisation.objects.select_for_update().filter(pk__in=[a.pk for a in associations]).order_by("pk"))


def _locked(proposal, organisation) -> Proposal:
    """Lock the association, then the youth's referral, the mentor and the proposal; the second of
    two coordinators deciding at the same moment waits, then sees the first one's outcome."""
    lock_associations([organisation])
    Referral.objects.select_for_update().filter(pk=proposal.referral_id).first()
    Mentor.objects.select_for_update().filter(pk=proposal.mentor_id).first()
    proposal = (
        Proposal.objects.select_for_update().select_related("referral", "mentor", "youth").get(pk=proposal.pk)
    )
    if proposal.association_id != organisation.pk:
        raise ValidationError("Cette proposition ne concerne pas votre association.")
    if proposal.state == ProposalState.SUPERSEDED:
        raise ValidationError(NO_LONGER_VALID)
    if proposal.state == ProposalState.PENDING and proposal.referral.state != ReferralState.ACCEPTED:
        raise ValidationError(
            "Cette proposition n'est plus valable : l'orientation du jeune a été retirée ou a changé d'état."
        )
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
    # The profiles may have changed since the proposal (a wish, a move, a smaller radius).
    problems = hard_violations(pools.youth_side(proposal.youth), pools.mentor_side(proposal.mentor))
    if problems:
        raise ValidationError(["Ce binôme enfreint désormais une règle : " + problems[0], *problems[1:]])
    mentorship = mentorship_create(
        referral=proposal.referral,
        mentor=proposal.mentor,
        by=by,
        organisation=organisation,
        proposed_at=proposal.proposed_at,
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


def breakdown(youth, mentor, weights: dict) -> tuple[float, list]:
    """The score of one pair and its French explanation, as stored on a proposal."""
    result = score(pools.youth_side(youth), pools.mentor_side(mentor), weights)
    return result.total, [list(row) for row in result.breakdown()]


def _propose(*, referral, mentor, association, score_value, detail, batch=None, by=None) -> Proposal:
    """Create the proposal, or bring back a pair a previous calculation had proposed (never one
    that was rejected or accepted)."""
    existing = Proposal.objects.filter(youth=referral.youth, mentor=mentor).first()
    if existing is not None and existing.state in (ProposalState.REJECTED, ProposalState.ACCEPTED):
        return existing
    proposal, _ = Proposal.objects.update_or_create(
        youth=referral.youth,
        mentor=mentor,
        defaults={
            "association": association,
            "referral": referral,
            "batch": batch,
            "state": ProposalState.PENDING,
            "proposed_at": timezone.now(),
            "score": score_value,
            "breakdown": detail,
            "created_by": by,
        },
    )
    return proposal


@transaction.atomic
def proposal_create(*, referral, mentor, by, organisation) -> Proposal:
    """A coordinator proposes a pair by hand, from a ranked list. Same rules as the solver."""
    lock_associations([organisation])
    if referral.association_id != organisation.pk or referral.state != ReferralState.ACCEPTED:
        raise ValidationError("Ce jeune n'attend pas de mentor dans votre association.")
    if (
        mentor.association_id != organisation.pk
        or not pools.available_mentors([organisation]).filter(pk=mentor.pk).exists()
    ):
        raise ValidationError(
            "Ce mentor n'est pas disponible pour un binôme (étape, formation, honorabilité ou places)."
        )
    previous = Proposal.objects.filter(youth=referral.youth, mentor=mentor).first()
    if previous is not None and previous.state in (ProposalState.REJECTED, ProposalState.ACCEPTED):
        raise ValidationError("Ce binôme a déjà été écarté ou formé : il ne peut pas être proposé à nouveau.")
    if pools.excluded_pairs([referral.youth_id], [mentor.pk]):
        raise ValidationError("Ce jeune et ce mentor ont déjà formé un binôme.")
    blockers = rules.submission_blockers(referral.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit pas les conditions : " + blockers[0], *blockers[1:]]
        )
    problems = hard_violations(pools.youth_side(referral.youth), pools.mentor_side(mentor))
    if problems:
        raise ValidationError(["Ce binôme enfreint une règle : " + problems[0], *problems[1:]])
    if previous is not None and previous.state == ProposalState.PENDING:
        return previous
    total, detail = breakdown(
        referral.youth, mentor, MatchingWeights.for_organisation(organisation).as_dict()
    )
    proposal = _propose(
        referral=referral, mentor=mentor, association=organisation, score_value=total, detail=detail, by=by
    )
    log_access(user=by, organisation=organisation, action="create", obj=proposal)
    return proposal


@transaction.atomic
def batch_propose(*, associations, by, departement=None) -> ProposalBatch:
    """Propose the best set of pairs for a whole waiting pool: as many youths as possible, then the
    highest total score, within each mentor's free places. Pending proposals of the pool are
    replaced; accepted and rejected ones are kept (and rejected pairs are never proposed again)."""
    started = time.perf_counter()
    associations = list(associations)
    lock_associations(associations)
    pool = pools.load_pool(associations, departement)
    edges = candidates.candidate_edges(
        pool.youths, pool.mentor_columns, weights_by_group=pool.weights_by_group, excluded=pool.excluded
    )
    groups = pool.youths.group[edges.youth]
    best = assignment.solve(
        len(pool.referrals),
        len(pool.mentors),
        pool.capacities,
        edges.youth,
        edges.mentor,
        edges.score,
        groups,
    )
    baseline = assignment.greedy(
        len(pool.referrals), len(pool.mentors), pool.capacities, edges.youth, edges.mentor, edges.score
    )
    batch = ProposalBatch.objects.create(
        departement=departement,
        association=associations[0] if departement is None else None,
        created_by=by,
        n_youths=len(pool.referrals),
        n_held=pool.held,
        n_mentors=len(pool.mentors),
        n_candidates=edges.size,
        matched=best.matched,
        total_score=round(best.total_score, 3),
        greedy_matched=baseline.matched,
        optimal=best.optimal,
    )
    # Proposals made by hand stay: the pool was computed without their youths and mentor places.
    pending = Proposal.objects.filter(
        state=ProposalState.PENDING, association__in=associations, batch__isnull=False
    )
    if departement is not None:
        pending = pending.filter(referral__departement=departement)
    pending.update(state=ProposalState.SUPERSEDED, updated_at=timezone.now())
    weights = {a.pk: w for a, w in zip(associations, pool.weights_by_group.values(), strict=True)}
    for y, m in best.pairs:
        referral, mentor = pool.referrals[y], pool.mentors[m]
        total, detail = breakdown(referral.youth, mentor, weights[referral.association_id])
        _propose(
            referral=referral,
            mentor=mentor,
            association=referral.association,
            score_value=total,
            detail=detail,
            batch=batch,
            by=by,
        )
    batch.seconds = round(time.perf_counter() - started, 3)
    batch.save(update_fields=["seconds", "updated_at"])
    log_access(
        user=by,
        organisation=associations[0] if departement is None else departement,
        action="create",
        obj=batch,
    )
    return batch
