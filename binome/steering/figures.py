"""Every indicator's value for a scope and periods: one SQL query per group of indicators, with
conditional aggregation so that the period and the same period one year earlier come from the same
query — never a loop over rows in Python. Figures come from three sources:

- the platform itself (pairs, referrals, youths, mentors);
- the monthly reporting of each association, for what the platform cannot know (FTE, funding, costs,
  ASE structures contacted, meetings, workshops): `reported_figures()`, None (« non renseigné »)
  until a figure has been reported; and the pairs associations import from their own CRM;
- the pair lifecycle (meetings, follow-up colour, closure, exit survey): `lifecycle_figures()`.

Steering only reads: nothing here writes a domain row.
"""

from django.db.models import Avg, Count, FilteredRelation, Q

from binome.mentors.models import MentorStage
from binome.mentorships.models import (
    OPEN_STATES,
    Activity,
    ClosureCategory,
    Colour,
    Meeting,
    MeetingModality,
    MeetingStatus,
    ObjectivesReached,
)
from binome.reporting.figures import reported_pair_figures, steering_figures
from binome.steering.periods import Period
from binome.steering.registry import REGISTRY
from binome.steering.scope import Scope
from binome.steering.sql import (
    DURATION,
    TIME_TO_MATCH,
    active_at_end,
    closed_in,
    days,
    during,
    followed_in,
    median,
    ratio,
    touching,
    validated_in,
)
from binome.surveys.models import Respondent, SurveyKind, SurveyResponse
from binome.utils.steering_rules import SIX_MONTHS, TWELVE_MONTHS
from binome.youths.models import ProposalOutcome, ReferralState

REACHED = (ObjectivesReached.YES, ObjectivesReached.MOSTLY, ObjectivesReached.PARTLY)


def pair_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Pairs, youths and mentors in pair, new, renewed, closed, durations, time to match: one query
    for all the periods (conditional aggregation), plus the medians."""
    aggregates = {}
    for i, period in enumerate(periods):
        followed, validated, closed = followed_in(period), validated_in(period), closed_in(period)
        aggregates |= {
            f"pairs_followed_{i}": Count("pk", filter=followed),
            f"youths_mentored_{i}": Count("youth", distinct=True, filter=followed),
            f"mentors_in_pair_{i}": Count("mentor", distinct=True, filter=followed),
            f"pairs_new_{i}": Count("pk", filter=validated & Q(is_renewal=False)),
            f"pairs_renewed_{i}": Count("pk", filter=validated & Q(is_renewal=True)),
            f"pairs_active_end_{i}": Count("pk", filter=active_at_end(period)),
            f"pairs_closed_{i}": Count("pk", filter=closed),
            f"closed_lt6_{i}": Count("pk", filter=closed & Q(duration__lt=SIX_MONTHS)),
            f"closed_lt12_{i}": Count("pk", filter=closed & Q(duration__lt=TWELVE_MONTHS)),
            f"duration_avg_{i}": Avg("duration", filter=closed),
            f"ttm_avg_{i}": Avg("time_to_match", filter=validated & Q(referral_accepted_at__isnull=False)),
            f"reached_{i}": Count("pk", filter=closed & Q(objectives_reached__in=REACHED)),
            f"abandoned_{i}": Count("pk", filter=closed & Q(closure_category=ClosureCategory.PAIR)),
        }
    row = (
        scope.pairs()
        .filter(touching(periods))
        .annotate(duration=DURATION, time_to_match=TIME_TO_MATCH)
        .aggregate(**aggregates)
    )
    results = []
    for i, period in enumerate(periods):
        closed = row[f"pairs_closed_{i}"]
        matched = scope.pairs().filter(validated_in(period), referral_accepted_at__isnull=False)
        results.append(
            {
                "pairs_followed": row[f"pairs_followed_{i}"],
                "youths_mentored": row[f"youths_mentored_{i}"],
                "mentors_in_pair": row[f"mentors_in_pair_{i}"],
                "pairs_new": row[f"pairs_new_{i}"],
                "pairs_renewed": row[f"pairs_renewed_{i}"],
                "pairs_active_end": row[f"pairs_active_end_{i}"],
                "pairs_closed": closed,
                "closed_before_6_months_share": ratio(row[f"closed_lt6_{i}"], closed),
                "closed_before_12_months_share": ratio(row[f"closed_lt12_{i}"], closed),
                "duration_avg": days(row[f"duration_avg_{i}"]),
                # The counts behind the shares and the average: imported pairs are added to them.
                "_closed": closed,
                "_duration_avg_days": (
                    row[f"duration_avg_{i}"].total_seconds() / 86400 if row[f"duration_avg_{i}"] else None
                ),
                "_closed_lt6": row[f"closed_lt6_{i}"],
                "_closed_lt12": row[f"closed_lt12_{i}"],
                "time_to_match_avg": days(row[f"ttm_avg_{i}"]),
                "time_to_match_median": days(median(matched, TIME_TO_MATCH)),
                "pairs_objective_reached": row[f"reached_{i}"],
                "pairs_abandoned": row[f"abandoned_{i}"],
            }
        )
    return results


def referral_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Referrals transmitted (received, for an association) and accepted; ASE structures mobilised."""
    sent_field = "routed_at" if scope.kind == "association" else "submitted_at"
    aggregates = {}
    for i, period in enumerate(periods):
        sent = Q(**{f"{sent_field}__gte": period.start_at, f"{sent_field}__lt": period.end_before})
        accepted = Q(accepted_at__gte=period.start_at, accepted_at__lt=period.end_before)
        aggregates |= {
            f"referrals_submitted_{i}": Count("pk", filter=sent),
            f"referrals_accepted_{i}": Count("pk", filter=accepted),
            f"structures_mobilised_{i}": Count("youth__ase_service", distinct=True, filter=sent),
        }
    row = (
        scope.referrals()
        .filter(during(periods, sent_field) | during(periods, "accepted_at"))
        .aggregate(**aggregates)
    )
    keys = ("referrals_submitted", "referrals_accepted", "structures_mobilised")
    return [{key: row[f"{key}_{i}"] for key in keys} for i in range(len(periods))]


def mentor_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Applications, mentors trained during the period, mentors available today."""
    mentors = scope.mentors()
    if mentors is None:
        return [
            {"mentors_applied": None, "mentors_trained": None, "mentors_available": None} for _ in periods
        ]
    aggregates = {
        "mentors_available": Count(
            "pk", distinct=True, filter=Q(stage__in=[MentorStage.READY, MentorStage.IN_PAIR])
        )
    }
    for i, period in enumerate(periods):
        aggregates |= {
            f"mentors_applied_{i}": Count(
                "pk",
                distinct=True,
                filter=Q(created_at__gte=period.start_at, created_at__lt=period.end_before),
            ),
            f"mentors_trained_{i}": Count(
                "pk",
                distinct=True,
                filter=Q(
                    trainings__attended=True,
                    trainings__session__starts_at__gte=period.start_at,
                    trainings__session__starts_at__lt=period.end_before,
                ),
            ),
        }
    row = mentors.aggregate(**aggregates)
    return [
        {
            "mentors_applied": row[f"mentors_applied_{i}"],
            "mentors_trained": row[f"mentors_trained_{i}"],
            "mentors_available": row["mentors_available"] if i == 0 else None,
        }
        for i in range(len(periods))
    ]


def with_matched_referral(youths, departement=None):
    """Join each youth to its matched referral, if any. One LEFT JOIN rather than a subquery per youth:
    a youth has at most one referral that is not withdrawn (`one_open_referral_per_youth`), so no row
    doubles. Naming the département lets the database read only its referrals (an index)."""
    condition = Q(referrals__state=ReferralState.MATCHED)
    if departement is not None:
        condition &= Q(referrals__departement=departement)
    return youths.annotate(matched_referral=FilteredRelation("referrals", condition=condition))


def coverage_figures(scope: Scope, period: Period) -> dict:
    """The legal obligation: eligible youths on the period's last day (the youths' own rule,
    `Youth.objects.eligible`), and where their files stand today — the definitions of
    `youths.queries.coverage`, narrowed to the scope, in one query."""
    youths = scope.youths()
    if youths is None:
        return dict.fromkeys(
            (
                "coverage_eligible",
                "coverage_proposed",
                "coverage_accepted",
                "coverage_matched",
                "coverage_rate",
            )
        )
    row = with_matched_referral(youths.eligible(period.end), scope.departement).aggregate(
        eligible=Count("pk"),
        proposed=Count("pk", filter=~Q(proposal_outcome="")),
        accepted=Count("pk", filter=Q(proposal_outcome=ProposalOutcome.ACCEPTED)),
        matched=Count("pk", filter=Q(matched_referral__isnull=False)),
    )
    return {
        "coverage_eligible": row["eligible"],
        "coverage_proposed": row["proposed"],
        "coverage_accepted": row["accepted"],
        "coverage_matched": row["matched"],
        "coverage_rate": ratio(row["matched"], row["eligible"]),
    }


def reported_figures(scope: Scope, period: Period) -> dict | None:
    """What the associations declared in their monthly reporting for the period (FTE, funding,
    costs, ASE structures, meetings, workshops), summed over the scope. None until the reporting
    cycle exists or when nothing was reported: every such indicator then reads « non renseigné »."""
    return steering_figures(scope, period)


def meeting_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Meetings held, remote share, attendance: one query on the meetings of the scope's pairs."""
    aggregates = {}
    for i, period in enumerate(periods):
        within = Q(at__gte=period.start_at, at__lt=period.end_before)
        held = within & Q(status=MeetingStatus.HELD)
        aggregates |= {
            f"held_{i}": Count("pk", filter=held),
            f"remote_{i}": Count("pk", filter=held & Q(modality=MeetingModality.REMOTE)),
            f"no_show_{i}": Count("pk", filter=within & Q(status=MeetingStatus.NO_SHOW)),
        }
    # Only the pairs followed during the periods, then each one's meetings of the periods, read from the
    # (pair, date) index alone.
    row = Meeting.objects.filter(
        scope.pair_q("mentorship__"),
        touching(periods, "mentorship__"),
        during(periods, "at"),
        status__in=[MeetingStatus.HELD, MeetingStatus.NO_SHOW],
    ).aggregate(**aggregates)
    return [
        {
            "meetings_held": row[f"held_{i}"],
            "_meetings_remote": row[f"remote_{i}"],
            "meetings_remote_share": ratio(row[f"remote_{i}"], row[f"held_{i}"]),
            "attendance_rate": ratio(row[f"held_{i}"], row[f"held_{i}"] + row[f"no_show_{i}"]),
        }
        for i in range(len(periods))
    ]


def activity_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Collective activities recorded on the platform by the scope's associations."""
    q = scope.association_q()
    if q is None:
        return [{"events_organised": None} for _ in periods]
    row = Activity.objects.filter(q).aggregate(
        **{
            f"n{i}": Count("pk", filter=Q(starts_at__gte=p.start_at, starts_at__lt=p.end_before))
            for i, p in enumerate(periods)
        }
    )
    return [{"events_organised": row[f"n{i}"]} for i in range(len(periods))]


IMPACT_QUESTIONS = {
    "impact_confidence": "self_confidence",
    "impact_grades": "grades",
    "impact_internship": "internship_job",
    "impact_psychosocial": "psychosocial",
    "impact_someone_to_count_on": "someone_to_count_on",
}
AGREES = 4  # on the 1–5 scale: 4 « plutôt d'accord », 5 « tout à fait d'accord »


def survey_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """The youths' exit questionnaires answered during the period, and how many agree with each
    impact statement: one query."""
    aggregates = {}
    for i, period in enumerate(periods):
        answered = Q(answered_at__gte=period.start_at, answered_at__lt=period.end_before)
        aggregates[f"exit_surveys_{i}"] = Count("mentorship__youth", distinct=True, filter=answered)
        for key, question in IMPACT_QUESTIONS.items():
            aggregates[f"{key}_{i}"] = Count(
                "mentorship__youth",
                distinct=True,
                filter=answered & Q(answers__question=question, answers__value__gte=AGREES),
            )
    row = SurveyResponse.objects.filter(
        scope.pair_q("mentorship__"),
        during(periods, "answered_at"),
        kind=SurveyKind.EXIT,
        respondent=Respondent.YOUTH,
    ).aggregate(**aggregates)
    keys = ["exit_surveys", *IMPACT_QUESTIONS]
    return [{key: row[f"{key}_{i}"] for key in keys} for i in range(len(periods))]


def colour_figures(scope: Scope) -> dict:
    """Open pairs today by follow-up colour (a state of today: no history, no comparison)."""
    rows = dict(
        scope.pairs()
        .filter(state__in=OPEN_STATES)
        .values("colour")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("colour", "n")
    )
    total = sum(rows.values())
    return {"green_share": ratio(rows.get(Colour.GREEN, 0), total), "_colours": rows}


def lifecycle_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Meetings, collective activities and exit surveys, for each period."""
    values = [{} for _ in periods]
    for group in (meeting_figures, activity_figures, survey_figures):
        for target, figures_ in zip(values, group(scope, periods), strict=True):
            target.update(figures_)
    return values


REPORTED_KEYS = (
    "fte_staff",
    "fte_volunteers",
    "funding_total",
    "costs_total",
    "ase_structures_contacted",
    "ase_structures_met",
    "info_meetings",
    "awareness_actions",
    "workshops",
)


def derived_figures(values: dict, period: Period) -> dict:
    """Ratios between figures of different sources."""
    fte = None
    if values.get("fte_staff") is not None or values.get("fte_volunteers") is not None:
        fte = float(values.get("fte_staff") or 0) + float(values.get("fte_volunteers") or 0)
    costs = values.get("costs_total")
    followed = values.get("pairs_followed")
    held = values.get("meetings_held")
    return {
        "meetings_per_pair_month": (
            round(held / followed / len(period.months()), 2) if held is not None and followed else None
        ),
        "pairs_per_fte": round(followed / fte, 1) if fte and followed is not None else None,
        "cost_per_pair": round(float(costs) / followed, 2) if costs is not None and followed else None,
    }


def figures(scope: Scope, periods: list[Period], colours: dict | None = None) -> list[dict]:
    """Every indicator's value for each period (the first one is "the" period)."""
    values = [dict.fromkeys(REGISTRY) for _ in periods]
    for target, group in zip(values, pair_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, referral_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, mentor_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, lifecycle_figures(scope, periods), strict=True):
        target.update(group)
    values[0].update(coverage_figures(scope, periods[0]))
    values[0]["green_share"] = (colours or colour_figures(scope))["green_share"]
    for target, period in zip(values, periods, strict=True):
        reported = reported_figures(scope, period)
        if reported:
            target.update({key: reported.get(key) for key in REPORTED_KEYS})
        add_imported_pairs(target, imported_pairs(scope, period))
        target.update(derived_figures(target, period))
    return values


def imported_pairs(scope: Scope, period: Period) -> dict | None:
    """The pairs associations imported from their own CRM (`reporting.ReportedPair`): an association
    reports a pair either by working in Binôme or by importing it, never both, so they add up."""
    return reported_pair_figures(scope, period)


IMPORTED = {  # our indicator: the imported pairs' figure
    "pairs_followed": "pairs_followed",
    "youths_mentored": "youths_followed",
    "pairs_renewed": "renewals_started",
    "pairs_closed": "pairs_closed",
    "pairs_active_end": "pairs_active_at_end",
}


def _add_imported_closures(values: dict, imported: dict) -> None:
    """Closures of imported pairs in the shares closed before 6 and 12 months, the average duration
    (weighted by the pairs closed on each side), objectives reached and pairs stopped for a reason of
    the pair itself."""
    if values.get("_closed") is None or not imported["pairs_closed"]:
        return
    ours, theirs = values["_closed"], imported["pairs_closed"]
    closed = ours + theirs
    for key, count in (
        ("closed_before_6_months_share", "closed_lt6"),
        ("closed_before_12_months_share", "closed_lt12"),
    ):
        values[f"_{count}"] += imported[count]
        values[key] = ratio(values[f"_{count}"], closed)
    average = values.get("_duration_avg_days") or 0
    values["duration_avg"] = round((average * ours + imported["duration_days_total"]) / closed, 1)
    for key, source in (("pairs_objective_reached", "objective_reached"), ("pairs_abandoned", "abandoned")):
        if values.get(key) is not None:
            values[key] += imported[source]
    values["_closed"] = closed


def add_imported_pairs(values: dict, imported: dict | None) -> None:
    if not imported:
        return
    for key, source in IMPORTED.items():
        if values.get(key) is not None:
            values[key] += imported[source]
    if values.get("pairs_new") is not None:
        values["pairs_new"] += imported["pairs_started"] - imported["renewals_started"]
    _add_imported_closures(values, imported)
    held = imported["meetings_in_person"] + imported["meetings_remote"]
    if held and values.get("meetings_held") is not None:
        values["meetings_held"] += held
        values["_meetings_remote"] = (values.get("_meetings_remote") or 0) + imported["meetings_remote"]
        values["meetings_remote_share"] = ratio(values["_meetings_remote"], values["meetings_held"])
