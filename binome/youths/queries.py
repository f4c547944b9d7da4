"""Reads over the pathway: what each youth waits for, blocked files, coverage. Aggregates in SQL."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Q
from django.utils import timezone

from binome.utils.dates import years_before
from binome.utils.french import de
from binome.youths.models import PathwaySettings, ProposalOutcome, Referral, ReferralState, Youth
from binome.youths.rules import youth_missing_consents


def with_referral(queryset):
    """Annotate each youth with its open referral's state and id. One LEFT JOIN: the
    `one_open_referral_per_youth` constraint guarantees at most one open referral, so no row doubles,
    and unlike a correlated subquery it costs nothing for the rows a deep page skips."""
    return queryset.annotate(
        open_referral=FilteredRelation("referrals", condition=~Q(referrals__state=ReferralState.WITHDRAWN)),
        referral_state=F("open_referral__state"),
        referral_id=F("open_referral__id"),
    )


@dataclass
class Step:
    label: str
    level: str  # todo | waiting | done | stopped


def next_step(youth, on: datetime.date | None = None) -> Step:
    """What the youth's file waits for, in the order of the decree's gates."""
    on = on or timezone.localdate()
    state = getattr(youth, "referral_state", None)
    if youth.archived_at:
        return Step("Sorti du dispositif", "stopped")
    if state == ReferralState.MATCHED:
        return Step("En binôme", "done")
    if state == ReferralState.ACCEPTED:
        return Step("Acceptée, en attente de binôme", "waiting")
    if state == ReferralState.ROUTED:
        return Step("En attente de la réponse de l'association", "waiting")
    if state == ReferralState.SUBMITTED:
        return Step("En attente d'orientation par le département", "waiting")
    if state == ReferralState.DECLINED:
        return Step("Refusée par l'association, à réorienter", "waiting")
    outcome = youth.proposal_outcome
    if not outcome or (
        outcome == ProposalOutcome.POSTPONED
        and youth.proposal_postponed_until
        and youth.proposal_postponed_until <= on
    ):
        if not youth.is_eligible(on):
            return Step("Pas encore éligible (âge)", "stopped")
        # Art. D.221-34: the assessment comes before the proposal.
        if not youth.assessment_date:
            return Step("Évaluation de situation à faire", "todo")
        if not youth.assessment_in_interest:
            return Step("Évaluation : mentorat pas dans l'intérêt du jeune", "stopped")
        if not youth.assessment_valid(on):
            return Step("Évaluation de situation à renouveler", "todo")
        return Step("Mentorat à proposer", "todo")
    if outcome == ProposalOutcome.POSTPONED:
        return Step(f"Proposition reportée au {youth.proposal_postponed_until:%d/%m/%Y}", "stopped")
    if outcome != ProposalOutcome.ACCEPTED:
        return Step(f"Proposition : {ProposalOutcome(outcome).label.lower()}", "stopped")
    if not youth.assessment_valid(on):
        return Step("Évaluation de situation à faire ou renouveler", "todo")
    if not youth.consents_complete:
        return Step("Consentements à recueillir", "todo")
    if state == ReferralState.DRAFT:
        return Step("Orientation à transmettre", "todo")
    return Step("Fiche d'orientation à créer", "todo")


def filter_by_status(queryset, status: str, on: datetime.date | None = None):
    on = on or timezone.localdate()
    if status == "archived":
        return queryset.filter(archived_at__isnull=False)
    queryset = queryset.filter(archived_at__isnull=True)
    if status == "to_propose":
        return queryset.to_propose(on)
    if status == "first_assessment_due":
        return queryset.first_assessment_due(on)
    if status == "assessment_overdue":
        return queryset.filter(proposal_outcome=ProposalOutcome.ACCEPTED).assessment_overdue(on)
    if status == "consents_missing":
        return queryset.filter(proposal_outcome=ProposalOutcome.ACCEPTED, consents_complete=False)
    if status == "draft":
        return queryset.filter(referral_state=ReferralState.DRAFT)
    if status == "waiting":
        return queryset.filter(
            referral_state__in=[
                ReferralState.SUBMITTED,
                ReferralState.ROUTED,
                ReferralState.ACCEPTED,
                ReferralState.DECLINED,
            ]
        )
    if status == "matched":
        return queryset.filter(referral_state=ReferralState.MATCHED)
    return queryset


BLOCKED_KINDS = {
    "no_answer": "Pas de réponse de l'association",
    "not_matched": "Acceptée, toujours sans binôme",
    "not_routed": "En attente d'orientation",
    "consents": "Consentements manquants",
    "assessment": "Évaluation de plus d'un an",
}


@dataclass
class Blocked:
    youth: Youth
    reason: str
    since: datetime.date | None
    kind: str = ""


@dataclass(frozen=True)
class Delay:
    """A referral waiting too long in some states, counted from one of its dates."""

    kind: str
    states: tuple
    since_field: str
    settings_field: str  # the PathwaySettings delay that applies


REFERRAL_DELAYS = (
    Delay("no_answer", (ReferralState.ROUTED,), "routed_at", "accept_delay_days"),
    Delay("not_matched", (ReferralState.ACCEPTED,), "accepted_at", "match_delay_days"),
    Delay("not_routed", (ReferralState.SUBMITTED, ReferralState.DECLINED), "updated_at", "accept_delay_days"),
)


def late_referrals(departement, settings, now, kinds=None):
    """(delay, referral, day it started waiting) for every referral past its delay. The one
    definition used by the blocked-files page and the reminders."""
    referrals = Referral.objects.filter(departement=departement).select_related("youth", "association")
    for delay in REFERRAL_DELAYS:
        if kinds is not None and delay.kind not in kinds:
            continue
        days = getattr(settings, delay.settings_field)
        late = referrals.filter(
            state__in=delay.states, **{f"{delay.since_field}__lt": now - datetime.timedelta(days=days)}
        )
        for referral in late:
            yield delay, referral, timezone.localtime(getattr(referral, delay.since_field)).date()


def late_consents(departement, settings, on):
    """Youths who accepted mentoring but still miss a consent after the département's delay."""
    return Youth.objects.filter(
        departement=departement,
        archived_at__isnull=True,
        proposal_outcome=ProposalOutcome.ACCEPTED,
        consents_complete=False,
        proposal_date__lt=on - datetime.timedelta(days=settings.consent_delay_days),
    )


def blocked_files(departement, on: datetime.date | None = None) -> list[Blocked]:
    """Files with no news beyond the département's delays, with the reason, oldest first."""
    on = on or timezone.localdate()
    settings = PathwaySettings.for_organisation(departement)
    result = []
    for delay, referral, since in late_referrals(departement, settings, timezone.now()):
        reason = {
            "no_answer": f"Pas de réponse {de(referral.association)} à l'orientation",
            "not_matched": f"Acceptée par {referral.association}, toujours sans binôme",
            "not_routed": "En attente d'orientation par le département",
        }[delay.kind]
        result.append(Blocked(referral.youth, reason, since, delay.kind))
    for youth in late_consents(departement, settings, on).prefetch_related("consents"):
        result.append(
            Blocked(
                youth,
                "Il manque " + ", ".join(youth_missing_consents(youth)),
                youth.proposal_date,
                "consents",
            )
        )
    overdue = Youth.objects.filter(
        departement=departement,
        archived_at__isnull=True,
        proposal_outcome=ProposalOutcome.ACCEPTED,
        assessment_date__lt=years_before(on, 1),
    ).exclude(referrals__state=ReferralState.MATCHED)
    for youth in overdue:
        result.append(
            Blocked(youth, "Évaluation de situation de plus d'un an", youth.assessment_due, "assessment")
        )
    result.sort(key=lambda b: b.since or on)
    return result


def coverage(departement, on: datetime.date | None = None) -> dict:
    """The legal obligation in four numbers, per ASE service and in total (one grouped query)."""
    on = on or timezone.localdate()
    eligible = Youth.objects.filter(departement=departement).eligible(on)
    rows = list(
        eligible.values("ase_service__name")
        .annotate(
            eligible=Count("pk"),
            proposed=Count("pk", filter=~Q(proposal_outcome="")),
            accepted=Count("pk", filter=Q(proposal_outcome=ProposalOutcome.ACCEPTED)),
        )
        .order_by("ase_service__name")
    )
    matched = dict(
        eligible.filter(referrals__state=ReferralState.MATCHED)
        .values("ase_service__name")
        .annotate(n=Count("pk", distinct=True))
        .values_list("ase_service__name", "n")
    )
    for row in rows:
        row["matched"] = matched.get(row["ase_service__name"], 0)
    total = {key: sum(r[key] for r in rows) for key in ("eligible", "proposed", "accepted", "matched")}
    return {"rows": rows, "total": total}
