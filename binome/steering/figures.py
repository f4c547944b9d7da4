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

import datetime

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from binome.conventions.models import Convention
from binome.mentors.models import MentorStage
from binome.mentorships.models import (
    OPEN_STATES,
    Activity,
    Agreement,
    AgreementKind,
    ClosureCategory,
    Colour,
    Coordination,
    Meeting,
    MeetingModality,
    MeetingStatus,
    Mentorship,
    ObjectivesReached,
)
from binome.reporting.figures import reported_pair_figures, steering_figures
from binome.steering.periods import Period
from binome.steering.registry import CASELOAD_MAX, REGISTRY
from binome.steering.scope import Scope
from binome.steering.sql import (
    DURATION,
    TIME_TO_MATCH,
    TO_ACCEPTANCE,
    TO_FIRST_MEETING,
    active_at_end,
    closed_in,
    days,
    during,
    followed_in,
    median,
    open_at_end,
    ratio,
    started_in,
    touching,
    validated_in,
)
from binome.surveys.models import Respondent, SurveyKind, SurveyResponse
from binome.utils.choices import Modality
from binome.utils.dates import years_before
from binome.utils.steering_rules import SIX_MONTHS, TWELVE_MONTHS
from binome.youths.models import (
    COLLEGE_ENTRY_LEVEL,
    ELIGIBLE_MAX_AGE,
    ELIGIBLE_MIN_AGE,
    Consent,
    ProposalOutcome,
    QpvAnswer,
    Referral,
    SituationAssessment,
)

# The closure's « objectifs atteints » answer, each on its own line (« en partie » is not « atteint »).
OBJECTIVE_ANSWERS = {
    "pairs_objective_reached": ObjectivesReached.YES,
    "pairs_objective_mostly": ObjectivesReached.MOSTLY,
    "pairs_objective_partly": ObjectivesReached.PARTLY,
    "pairs_objective_not_reached": ObjectivesReached.NO,
}


def pair_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Pairs, youths and mentors in a launched pair, new, renewed, closed, durations, objectives, the
    delays to match and to the first meeting: one query for all the periods (conditional aggregation),
    plus the medians of the first period."""
    aggregates = {}
    for i, period in enumerate(periods):
        followed, started, closed = followed_in(period), started_in(period), closed_in(period)
        validated = validated_in(period)
        aggregates |= {
            f"pairs_followed_{i}": Count("pk", filter=followed),
            f"ase_coordinated_{i}": Count("pk", filter=followed & Q(coordination=Coordination.ASE_SERVICE)),
            f"youths_mentored_{i}": Count("youth", distinct=True, filter=followed),
            f"mentors_in_pair_{i}": Count("mentor", distinct=True, filter=followed),
            f"pairs_new_{i}": Count("pk", filter=started & Q(is_renewal=False)),
            f"pairs_renewed_{i}": Count("pk", filter=started & Q(is_renewal=True)),
            f"pairs_active_end_{i}": Count("pk", filter=active_at_end(period)),
            f"pairs_closed_{i}": Count("pk", filter=closed),
            f"closed_lt6_{i}": Count("pk", filter=closed & Q(duration__lt=SIX_MONTHS)),
            f"closed_lt12_{i}": Count("pk", filter=closed & Q(duration__lt=TWELVE_MONTHS)),
            f"duration_avg_{i}": Avg("duration", filter=closed),
            f"ttm_avg_{i}": Avg("time_to_match", filter=validated & Q(referral_accepted_at__isnull=False)),
            f"abandoned_{i}": Count("pk", filter=closed & Q(closure_category=ClosureCategory.PAIR)),
        }
        for key, answer in OBJECTIVE_ANSWERS.items():
            aggregates[f"{key}_{i}"] = Count("pk", filter=closed & Q(objectives_reached=answer))
    row = (
        scope.pairs()
        .filter(touching(periods))
        .annotate(duration=DURATION, time_to_match=TIME_TO_MATCH)
        .aggregate(**aggregates)
    )
    results = []
    for i, period in enumerate(periods):
        closed = row[f"pairs_closed_{i}"]
        values = {
            "pairs_followed": row[f"pairs_followed_{i}"],
            "pairs_ase_coordinated": row[f"ase_coordinated_{i}"],
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
            "pairs_abandoned": row[f"abandoned_{i}"],
        }
        values |= {key: row[f"{key}_{i}"] for key in OBJECTIVE_ANSWERS}
        # The medians: two small queries per period.
        pairs = scope.pairs()
        values["time_to_match_median"] = days(
            median(pairs.filter(validated_in(period), referral_accepted_at__isnull=False), TIME_TO_MATCH)
        )
        # The wait to the first meeting over the few pairs launched in the period (joined to their
        # referral there, not in the big query above, which the covering index serves).
        launched = pairs.filter(started_in(period), referral__submitted_at__isnull=False)
        values["delay_referral_to_first_meeting_avg"] = days(launched.aggregate(a=Avg(TO_FIRST_MEETING))["a"])
        values["delay_referral_to_first_meeting_median"] = days(median(launched, TO_FIRST_MEETING))
        results.append(values)
    return results


def pending_pair_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Pairs validated and not closed on each period's last day that were not launched by then: still
    « convention à signer », or signed by every party but without their launch meeting. One query
    over the few pairs not launched by the earliest end."""
    aggregates = {}
    for i, period in enumerate(periods):
        waiting = open_at_end(period) & (Q(started_at__isnull=True) | Q(started_at__gt=period.end))
        signed = Q(signed_at__lt=period.end_before)
        aggregates |= {
            f"to_sign_{i}": Count(
                "pk", filter=waiting & (Q(signed_at__isnull=True) | Q(signed_at__gte=period.end_before))
            ),
            f"signed_{i}": Count("pk", filter=waiting & signed),
        }
    initial = Agreement.objects.filter(mentorship=OuterRef("pk"), kind=AgreementKind.INITIAL)
    row = (
        scope.pairs()
        .filter(touching(periods))
        .filter(Q(started_at__isnull=True) | Q(started_at__gt=min(p.end for p in periods)))
        .annotate(signed_at=Subquery(initial.values("completed_at")[:1]))
        .aggregate(**aggregates)
    )
    return [
        {"pairs_to_sign_end": row[f"to_sign_{i}"], "pairs_signed_not_launched_end": row[f"signed_{i}"]}
        for i in range(len(periods))
    ]


def agreement_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Pairs followed in each period whose signed individual agreement (its latest version signed by
    every party before the period's end) provides for remote meetings: one query."""
    annotations, aggregates = {}, {}
    for i, period in enumerate(periods):
        annotations[f"agreed_{i}"] = Subquery(
            Agreement.objects.filter(mentorship=OuterRef("pk"), completed_at__lt=period.end_before)
            .order_by("-number")
            .values("modality")[:1]
        )
        aggregates[f"remote_{i}"] = Count(
            "pk", filter=followed_in(period) & Q(**{f"agreed_{i}": Modality.REMOTE})
        )
    row = (
        scope.pairs()
        .filter(touching(periods), started_at__isnull=False)
        .annotate(**annotations)
        .aggregate(**aggregates)
    )
    return [{"pairs_remote_agreement": row[f"remote_{i}"]} for i in range(len(periods))]


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
            f"to_acceptance_{i}": Avg("to_acceptance", filter=accepted & Q(submitted_at__isnull=False)),
        }
    referrals = scope.referrals()
    row = (
        referrals.filter(during(periods, sent_field) | during(periods, "accepted_at"))
        .annotate(to_acceptance=TO_ACCEPTANCE)
        .aggregate(**aggregates)
    )
    keys = ("referrals_submitted", "referrals_accepted", "structures_mobilised")
    results = [
        {key: row[f"{key}_{i}"] for key in keys}
        | {"delay_referral_to_acceptance_avg": days(row[f"to_acceptance_{i}"])}
        for i in range(len(periods))
    ]
    accepted = referrals.filter(
        accepted_at__gte=periods[0].start_at,
        accepted_at__lt=periods[0].end_before,
        submitted_at__isnull=False,
    )
    results[0]["delay_referral_to_acceptance_median"] = days(median(accepted, TO_ACCEPTANCE))
    return results


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


COVERAGE_STEPS = (
    "coverage_due",
    "coverage_assessed",
    "coverage_proposed",
    "coverage_adhesion",
    "coverage_consents",
    "coverage_oriented",
    "coverage_accepted",
    "coverage_started",
)
YOUNG_ADULT_STEPS = ("young_adults_eligible", "young_adults_proposed", "young_adults_started")
PROPOSED = (ProposalOutcome.ACCEPTED, ProposalOutcome.DECLINED_YOUTH, ProposalOutcome.DECLINED_GUARDIANS)


def in_care_on(youths, day):
    """The youths in care on `day`: taken into care by then (`care_started_on`, when the file gives
    it), not out of the scheme by then, aged 11 to 20 or entering collège (the rule of
    `Youth.objects.eligible`, as of that day). A file's creation date is not its entry in care (files
    are created for youths already in care, imports included): without `care_started_on`, the youth
    counts as in care."""
    after = day + datetime.timedelta(days=1)
    end_before = timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))
    oldest, youngest = years_before(day, ELIGIBLE_MAX_AGE + 1), years_before(day, ELIGIBLE_MIN_AGE)
    return youths.filter(
        Q(care_started_on__isnull=True) | Q(care_started_on__lte=day),
        Q(archived_at__isnull=True) | Q(archived_at__gte=end_before),
        Q(birth_date__gt=oldest) & (Q(birth_date__lte=youngest) | Q(school_level__code=COLLEGE_ENTRY_LEVEL)),
    )


def coverage_rows(scope: Scope, period: Period) -> list[dict] | None:
    """The obligation's funnel as it stood on the period's last day, one row per (ASE service,
    territory, minor or young adult): one grouped query. Each step is a fact dated on or before that
    day (an assessment under a year old, a proposal, consents, a referral sent, accepted, a launched
    pair not closed), so the figures of a past period do not move with later activity. None for an
    association (it answers for the youths referred to it, not for the obligation)."""
    youths = scope.youths()
    if youths is None:
        return None
    end, end_before = period.end, period.end_before
    minor = Q(birth_date__gt=years_before(end, 18))
    # The referrals and pairs of the scope's département, as sets of youths the planner hashes once
    # (read from their covering indexes), rather than one lookup per youth.
    local = {"departement": scope.departement} if scope.departement is not None else {}
    pairs = (
        Mentorship.objects.filter(**local, started_at__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=end))
        .values("youth")
    )
    referrals = Referral.objects.filter(**local)
    steps = {
        "assessed": Exists(
            SituationAssessment.objects.filter(
                youth=OuterRef("pk"), date__lte=end, date__gt=years_before(end, 1)
            )
        ),
        "proposed": Q(proposal_date__lte=end, proposal_outcome__in=PROPOSED),
        "adhesion": Q(proposal_date__lte=end, proposal_outcome=ProposalOutcome.ACCEPTED),
        "consents": Q(consents_complete=True)
        & ~Exists(Consent.objects.filter(youth=OuterRef("pk"), date__gt=end)),
        "oriented": Q(pk__in=referrals.filter(submitted_at__lt=end_before).values("youth")),
        "accepted": Q(pk__in=referrals.filter(accepted_at__lt=end_before).values("youth")),
        "started": Q(pk__in=pairs),
    }
    # `step_` names: « consents », « referrals »… are the youth's own relations.
    annotations = {
        f"step_{name}": condition
        if isinstance(condition, Exists)
        else ExpressionWrapper(condition, BooleanField())
        for name, condition in steps.items()
    }
    rows = (
        in_care_on(youths, end)
        .annotate(minor=ExpressionWrapper(minor, BooleanField()), **annotations)
        .values("ase_service__name", "territory__name", "minor")
        .annotate(
            due=Count("pk"), **{name: Count("pk", filter=Q(**{f"step_{name}": True})) for name in steps}
        )
        .order_by()
    )
    return list(rows)


def coverage_figures(scope: Scope, period: Period, rows: list[dict] | None = None) -> dict:
    """The funnel's totals: minors due and each step, the headline coverage (proposed ÷ due), and the
    young adults apart."""
    rows = coverage_rows(scope, period) if rows is None else rows
    if rows is None:
        return dict.fromkeys((*COVERAGE_STEPS, *YOUNG_ADULT_STEPS, "coverage_rate"))
    names = ("due", "assessed", "proposed", "adhesion", "consents", "oriented", "accepted", "started")
    minors = {name: sum(r[name] for r in rows if r["minor"]) for name in names}
    adults = {name: sum(r[name] for r in rows if not r["minor"]) for name in names}
    values = {key: minors[name] for key, name in zip(COVERAGE_STEPS, names, strict=True)}
    values |= {
        "coverage_rate": ratio(minors["proposed"], minors["due"]),
        "young_adults_eligible": adults["due"],
        "young_adults_proposed": adults["proposed"],
        "young_adults_started": adults["started"],
    }
    return values


def coverage_by(rows: list[dict] | None, field_name: str) -> list[dict]:
    """The minors' funnel per ASE service (`ase_service__name`) or territory (`territory__name`)."""
    grouped: dict = {}
    for row in rows or []:
        if not row["minor"]:
            continue
        target = grouped.setdefault(row[field_name], {"due": 0, "proposed": 0, "started": 0})
        for name in target:
            target[name] += row[name]
    return [
        {"label": label, **counts, "rate": ratio(counts["proposed"], counts["due"])}
        for label, counts in sorted(grouped.items(), key=lambda item: (item[0] is None, item[0] or ""))
    ]


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
        youth = answered & Q(respondent=Respondent.YOUTH)
        aggregates[f"exit_surveys_{i}"] = Count("mentorship__youth", distinct=True, filter=youth)
        for key, question in IMPACT_QUESTIONS.items():
            aggregates[f"{key}_{i}"] = Count(
                "mentorship__youth",
                distinct=True,
                filter=youth & Q(answers__question=question, answers__value__gte=AGREES),
            )
        for who, respondent in (("youth", Respondent.YOUTH), ("mentor", Respondent.MENTOR)):
            said = answered & Q(
                respondent=respondent, answers__question="satisfaction", answers__value__isnull=False
            )
            aggregates[f"satisfied_{who}_{i}"] = Count("pk", filter=said & Q(answers__value__gte=AGREES))
            aggregates[f"answered_{who}_{i}"] = Count("pk", filter=said)
    row = SurveyResponse.objects.filter(
        scope.pair_q("mentorship__"), during(periods, "answered_at"), kind=SurveyKind.EXIT
    ).aggregate(**aggregates)
    keys = ["exit_surveys", *IMPACT_QUESTIONS]
    return [
        {key: row[f"{key}_{i}"] for key in keys}
        | {
            f"satisfaction_{who}": ratio(row[f"satisfied_{who}_{i}"], row[f"answered_{who}_{i}"])
            for who in ("youth", "mentor")
        }
        for i in range(len(periods))
    ]


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


def priority_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Priority publics (Collectif Mentorat): the youths accompanied during each period who live in a
    QPV (the referrer's answer on the youth's file) and in a commune the département marks as rural
    (`SteeringSettings.rural_communes`), each over the youths whose answer or commune is known. One
    query, plus one to know whether any rural commune is marked (none: « — », never 0 %)."""
    from binome.steering.models import SteeringSettings

    marked = SteeringSettings.rural_communes.through.objects.all()
    if scope.departement is not None:
        marked = marked.filter(steeringsettings__departement=scope.departement)
    rural = Q(youth__commune_id__in=marked.values("commune_id"))
    aggregates = {}
    for i, period in enumerate(periods):
        followed = followed_in(period)
        aggregates |= {
            f"qpv_{i}": Count("youth", distinct=True, filter=followed & Q(youth__lives_in_qpv=QpvAnswer.YES)),
            f"qpv_known_{i}": Count(
                "youth",
                distinct=True,
                filter=followed & Q(youth__lives_in_qpv__in=[QpvAnswer.YES, QpvAnswer.NO]),
            ),
            f"rural_{i}": Count("youth", distinct=True, filter=followed & rural),
            f"commune_known_{i}": Count(
                "youth", distinct=True, filter=followed & Q(youth__commune__isnull=False)
            ),
        }
    row = scope.pairs().filter(touching(periods)).aggregate(**aggregates)
    any_rural = marked.exists()
    return [
        {
            "youths_qpv_share": ratio(row[f"qpv_{i}"], row[f"qpv_known_{i}"]),
            "youths_rural_share": ratio(row[f"rural_{i}"], row[f"commune_known_{i}"]) if any_rural else None,
        }
        for i in range(len(periods))
    ]


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
    "cost_staff",
    "cost_months",
    "ase_structures_contacted",
    "ase_structures_met",
    "info_meetings",
    "awareness_actions",
    "workshops",
)


def derived_figures(values: dict, period: Period) -> dict:
    """Ratios between figures of different sources. Each is « non renseigné » (None) unless both of
    its terms are known: a missing declaration is never read as a zero."""
    staff = values.get("fte_staff")
    costs, months = values.get("costs_total"), values.get("cost_months")
    followed, active = values.get("pairs_followed"), values.get("pairs_active_end")
    held = values.get("meetings_held")
    cost_staff = values.get("cost_staff")
    subsidy = values.get("_yearly_subsidy")
    return {
        "meetings_per_pair_month": (
            round(held / followed / len(period.months()), 2) if held is not None and followed else None
        ),
        "pairs_per_staff_fte": round(active / float(staff), 1) if staff and active is not None else None,
        "cost_per_pair_year": (
            round(float(costs) * 12 / months / followed, 2)
            if costs is not None and months and followed
            else round(float(subsidy) / followed, 2)
            if costs is None and subsidy is not None and followed
            else None
        ),
        "cost_staff_share": (float(cost_staff) / float(costs) if cost_staff is not None and costs else None),
    }


def yearly_subsidy(scope: Scope, period: Period):
    """The yearly subsidies of the conventions in force during the period over the scope (None when
    none gives one, or for a territory): what a pair costs when no cost was declared."""
    if scope.territory is not None:
        return None
    conventions = Convention.objects.in_force_during(period.start, period.end)
    if scope.departement is not None:
        conventions = conventions.filter(departement=scope.departement)
    if scope.association is not None:
        conventions = conventions.filter(association=scope.association)
    return conventions.aggregate(total=Sum("yearly_subsidy"))["total"]


def caseload(scope: Scope) -> list[dict]:
    """Open pairs today (to sign, signed or launched) per coordinator: one grouped query. A state of
    today: a coordinator's portfolio is managed now, whatever the period looked at."""
    return list(
        scope.pairs()
        .filter(state__in=OPEN_STATES, coordinator__isnull=False)
        .values("coordinator", "coordinator__first_name", "coordinator__last_name", "coordinator__email")
        .annotate(pairs=Count("pk"))
        .order_by("-pairs", "coordinator__last_name", "coordinator__first_name")
    )


def caseload_figures(rows: list[dict]) -> dict:
    total, people = sum(r["pairs"] for r in rows), len(rows)
    return {
        "caseload_avg": round(total / people, 1) if people else None,
        "coordinators_over_caseload": sum(1 for r in rows if r["pairs"] > CASELOAD_MAX),
    }


def figures(
    scope: Scope,
    periods: list[Period],
    colours: dict | None = None,
    coverage: list[dict] | None = None,
    load: list[dict] | None = None,
) -> list[dict]:
    """Every indicator's value for each period (the first one is "the" period). `colours`, `coverage`
    (the first period's funnel rows) and `load` (the caseload rows): when the caller already has them."""
    values = [dict.fromkeys(REGISTRY) for _ in periods]
    for group in (
        pair_figures,
        pending_pair_figures,
        agreement_figures,
        referral_figures,
        mentor_figures,
        lifecycle_figures,
        priority_figures,
    ):
        for target, figures_ in zip(values, group(scope, periods), strict=True):
            target.update(figures_)
    # The funnel for the period itself only: one query of a few hundred milliseconds at the largest
    # département's size, not worth a comparison (its indicators are `compared=False`).
    values[0].update(coverage_figures(scope, periods[0], coverage))
    values[0]["green_share"] = (colours or colour_figures(scope))["green_share"]
    values[0].update(caseload_figures(caseload(scope) if load is None else load))
    for target, period in zip(values, periods, strict=True):
        reported = reported_figures(scope, period)
        if reported:
            target.update({key: reported.get(key) for key in REPORTED_KEYS})
        if target.get("costs_total") is None:
            target["_yearly_subsidy"] = yearly_subsidy(scope, period)
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
    for key, source in (
        ("pairs_objective_reached", "objective_reached"),
        ("pairs_objective_not_reached", "objective_not_reached"),
        ("pairs_abandoned", "abandoned"),
    ):
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
