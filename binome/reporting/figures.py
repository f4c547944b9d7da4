"""Reads over the reporting cycle, for the steering indicators, the Cotech pack and the snapshots.

- `steering_figures(scope, period)`: what the associations *declared* (their submitted revision in
  force), summed in SQL over a steering scope and period, monthly and quarterly reports mixed (the rule
  is in its docstring). `binome.steering.indicators.reported_figures` calls it; `quarterly_note` is
  the sentence a month view shows when some associations report by quarter.
- `reported_pair_figures(scope, period)`: the pairs and meetings associations *imported* from their own
  CRM (`ReportedPair`, `ReportedMeetings`). The steering engine adds these to the pairs it counts in
  `mentorships.Mentorship`: an association reports a pair either by working in Binôme or by importing
  it, never both, so the sum does not double count.
  The same pairs also feed steering's breakdowns (`reported_pair_dimension_counts`), 12-month trend
  (`reported_pair_trend`), per-association and per-département summaries (`reported_pair_summary`) and
  the Données tab of the tableau de pilotage (`reported_pair_rows`): SQL aggregates, one query each.
- `live_indicators(report)`: the figures the platform computes for one association, département and
  month (or quarter, for a quarterly report), frozen into each submitted revision.
"""

import datetime
import logging
from calendar import monthrange
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from binome.conventions.models import Convention, ReportingFrequency
from binome.mentorships.models import REASON_CATEGORY, ClosureCategory
from binome.mentorships.models import ClosureReason as PairClosureReason
from binome.reporting import engine
from binome.reporting.models import (
    COST_FIELDS,
    ClosureReason,
    ReportedMeetings,
    ReportedPair,
    ReportedPairState,
    ReportRevision,
)
from binome.reporting.months import months_between
from binome.utils.steering_rules import AGE_LIMITS, OLDEST_BAND, SIX_MONTHS, TWELVE_MONTHS

logger = logging.getLogger(__name__)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def _revisions(scope, period):
    revisions = ReportRevision.objects.current().filter(
        report__period__month__gte=period.start, report__period__month__lte=period.end
    )
    if scope.departement is not None:
        revisions = revisions.filter(report__period__departement=scope.departement)
    if scope.association is not None:
        revisions = revisions.filter(report__association=scope.association)
    return revisions


FTE_KEYS = ("fte_staff", "fte_volunteers")
SUMMED_KEYS = (
    "funding_total",
    "costs_total",
    "cost_staff",
    "ase_structures_contacted",
    "ase_structures_met",
    "info_meetings",
    "awareness_actions",
    "workshops",
)


def steering_figures(scope, period) -> dict | None:
    """Declared figures over the scope and period: the revisions in force, one query.

    Which reports count: a report counts in a view when *every month it covers* lies in the view. A
    monthly report counts in its month, its quarter and its year. A quarterly report (filed in the
    quarter's last month, covering the three months) counts in its quarter and its year, and in no
    month view: its counts and amounts cannot be split by month, and putting them in the quarter's
    last month would triple that month. `quarterly_note()` gives the month view the sentence saying
    so.

    How they add up, when monthly and quarterly associations mix:
    - counts and amounts (funding, costs, ASE structures, meetings, actions, workshops) are summed;
    - FTE are a level, not a flow: each report weighs the months it covers (1, or 3 for a quarter) and
      the total is divided by the number of months covered by at least one report of the view that
      declared it — the average FTE over the months reported (a report leaving it empty is no
      0 FTE). Q1 with A monthly at 1.5 FTE in January, February and March and B quarterly at 2 FTE:
      (1.5 × 3 + 2 × 3) / 3 = 3.5; the year 2026 with A in its twelve months and B in Q1 only:
      (1.5 × 12 + 2 × 3) / 12 = 2.

    None when nothing counts, or for a territory (associations do not declare per territory)."""
    if getattr(scope, "territory", None) is not None:
        return None
    declared_costs = Q()
    for name in COST_FIELDS:
        declared_costs |= Q(**{f"{name}__isnull": False})
    # A revision that leaves every cost (or every funding line) empty declared nothing: « non
    # renseigné », not 0 € — only the revisions that declared some count in the sums.
    costs = Case(
        When(
            declared_costs,
            then=sum((Coalesce(F(n), ZERO) for n in COST_FIELDS[1:]), Coalesce(F(COST_FIELDS[0]), ZERO)),
        ),
        default=None,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    groups = (
        _revisions(scope, period)
        .filter(report__covers_from__gte=period.start)
        .values("report__covers_from", "report__period__month")
        .annotate(
            fte_staff=Sum("fte_staff"),
            fte_volunteers=Sum("fte_volunteers"),
            funding_total=Sum("funding_total", filter=~Q(funding=[])),
            costs_total=Sum(costs),
            cost_staff=Sum("cost_staff", filter=declared_costs),
            ase_structures_contacted=Sum("ase_structures_contacted"),
            ase_structures_met=Sum("ase_structures_met"),
            info_meetings=Sum("information_meetings"),
            awareness_actions=Sum("awareness_actions"),
            workshops=Sum("workshops"),
        )
        .order_by()
    )
    row = dict.fromkeys((*FTE_KEYS, *SUMMED_KEYS))
    covered, costed = set(), set()
    fte_months = {key: set() for key in FTE_KEYS}
    for group in groups:
        months = months_between(group["report__covers_from"], group["report__period__month"])
        covered.update(months)
        if group["costs_total"] is not None:
            costed.update(months)
        for key in SUMMED_KEYS:
            if group[key] is not None:
                row[key] = (row[key] or 0) + group[key]
        for key in FTE_KEYS:
            if group[key] is not None:
                row[key] = (row[key] or 0) + group[key] * len(months)
                fte_months[key].update(months)
    if not covered:
        return None
    for key in FTE_KEYS:
        if row[key] is not None:
            # The average over the months for which this FTE was declared: a month left empty is not
            # a month at 0 FTE.
            row[key] = round(Decimal(row[key]) / len(fte_months[key]), 2)
    row["cost_months"] = len(costed) or None
    return row


def quarterly_note(scope, period) -> str | None:
    """For a month view: the sentence saying which associations of the scope report by quarter, hence
    are missing from the month's declared figures (they count in the quarter and year views, see
    `steering_figures`). None for a quarter or a year, a territory, or when none reports by quarter."""
    if period.kind != "month" or getattr(scope, "territory", None) is not None:
        return None
    conventions = Convention.objects.in_force_during(period.start, period.end).filter(
        reporting_frequency=ReportingFrequency.QUARTERLY
    )
    if scope.departement is not None:
        conventions = conventions.filter(departement=scope.departement)
    if scope.association is not None:
        conventions = conventions.filter(association=scope.association)
    names = sorted(set(conventions.values_list("association__name", flat=True)))
    if not names:
        return None
    if len(names) > 3:
        who = f"{len(names)} associations"
    else:
        who = ", ".join(names[:-1]) + (" et " if len(names) > 1 else "") + names[-1]
    verb = "déclarent" if len(names) > 1 else "déclare"
    return (
        f"{who} {verb} par trimestre : {'leurs' if len(names) > 1 else 'ses'} chiffres déclarés (ETP, "
        "financements, coûts, activités) comptent dans les vues du trimestre et de l'année, pas dans "
        "celles des mois."
    )


# --- Imported pairs (`ReportedPair`) ------------------------------------------------------------------
#
# The steering rules, written for imported pairs: the start date declared by the association plays the
# part of the validation of a Binôme pair (followed: started before the period's end and not ended before
# its start; new or renewed: started during the period). A youth is the association's own identifier:
# the same identifier at two associations is two youths, hence `YOUTH_KEY`.

YOUTH_KEY = Concat("association_id", Value(":"), "youth_external_id", output_field=CharField())


def reported_pairs(scope):
    """The imported pairs of a steering scope (a département, an association, a territory; all of them
    for the national scope)."""
    pairs = ReportedPair.objects.all()
    if scope.departement is not None:
        pairs = pairs.filter(departement=scope.departement)
    if scope.association is not None:
        pairs = pairs.filter(association=scope.association)
    if getattr(scope, "territory", None) is not None:
        pairs = pairs.filter(territory=scope.territory)
    return pairs


def followed_in(period) -> Q:
    return Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))


def started_in(period) -> Q:
    return Q(started_on__gte=period.start, started_on__lte=period.end)


def closed_in(period) -> Q:
    return Q(ended_on__gte=period.start, ended_on__lte=period.end)


def touching(periods) -> Q:
    """Pairs followed in at least one of the periods (the WHERE clause; each period is then a FILTER)."""
    return Q(started_on__lte=max(p.end for p in periods)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=min(p.start for p in periods))
    )


def reported_pair_figures(scope, period) -> dict:
    """Imported pairs for the scope and period: followed, started, closed (before 6 and 12 months, total
    duration, objective reached, stopped for a reason of the pair), active at the end, distinct youths
    followed, and meetings in the period (two queries)."""
    pairs = reported_pairs(scope)
    followed = followed_in(period)
    row = pairs.aggregate(
        pairs_followed=Count("pk", filter=followed),
        youths_followed=Count(YOUTH_KEY, filter=followed, distinct=True),
        pairs_started=Count("pk", filter=started_in(period)),
        renewals_started=Count("pk", filter=started_in(period) & Q(is_renewal=True)),
        pairs_closed=Count("pk", filter=closed_in(period)),
        closed_lt6=Count("pk", filter=closed_in(period) & Q(ended_on__lt=F("started_on") + SIX_MONTHS)),
        closed_lt12=Count("pk", filter=closed_in(period) & Q(ended_on__lt=F("started_on") + TWELVE_MONTHS)),
        duration_total=Sum(IMPORTED_DURATION, filter=closed_in(period)),
        # Before `objective_reached`: once that aggregate is named, the field's name means it.
        objective_not_reached=Count("pk", filter=closed_in(period) & Q(objective_reached=False)),
        objective_reached=Count("pk", filter=closed_in(period) & Q(objective_reached=True)),
        abandoned=Count("pk", filter=closed_in(period) & Q(closure_reason__in=PAIR_RELATED_REASONS)),
        pairs_active_at_end=Count(
            "pk",
            filter=Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end)),
        ),
    )
    meetings = ReportedMeetings.objects.filter(
        pair__in=pairs, month__gte=period.start, month__lte=period.end
    ).aggregate(in_person=Sum("in_person"), remote=Sum("remote"))
    duration = row.pop("duration_total")
    row["duration_days_total"] = duration.total_seconds() / 86400 if duration else 0
    row["meetings_in_person"] = meetings["in_person"] or 0
    row["meetings_remote"] = meetings["remote"] or 0
    return row


# Age: an imported pair carries only the youth's birth year. Its age on a day is computed as if every
# youth were born on 1 July (the middle of the year: off by six months at most, either way) — so on
# 31 December a youth born in 2012 is 14 in 2026, and on 31 March still 13. The bands are those of
# `utils.steering_rules.AGE_LIMITS`.
ASSUMED_BIRTHDAY = (7, 1)


def _reference_year(on) -> int:
    """The year whose 1 July is the last assumed birthday on or before `on`: age = this - birth year."""
    return on.year if (on.month, on.day) >= ASSUMED_BIRTHDAY else on.year - 1


def imported_age(birth_year: int, on) -> int:
    """The age on a day of a youth known by its birth year only (birthday assumed on 1 July)."""
    return _reference_year(on) - birth_year


def imported_age_band(on):
    """The same age, as its band, in SQL (the day is a constant: only `birth_year` is compared)."""
    reference = _reference_year(on)
    whens = [When(birth_year__gt=reference - limit, then=Value(code)) for code, limit in AGE_LIMITS]
    return Case(*whens, default=Value(OLDEST_BAND), output_field=CharField())


def imported_origin(period):
    """New, renewed or continuing, the codes of `steering.indicators.ORIGINS`."""
    started = started_in(period)
    return Case(
        When(started & Q(is_renewal=False), then=Value("new")),
        When(started & Q(is_renewal=True), then=Value("renewed")),
        default=Value("continuing"),
        output_field=CharField(),
    )


# How an imported pair's closure reason reads on the steering dashboards (and in the Données tab).
# Every reason of the import file but one has a reason of the pair lifecycle (`mentorships`) with the
# same meaning, in other words: the imported pair is counted on that row, under that reason's category
# (`mentorships.REASON_CATEGORY`), so the pilot reads one row per reason whatever the source.
# « Autre motif » has no counterpart: it stays its own row, under « Non classé » rather than a
# category it may not belong to (as a pair-related stop it would inflate the early stops; as a
# natural end, it could hide them).
IMPORTED_CLOSURE_REASONS = {
    ClosureReason.PLANNED_END: PairClosureReason.PLANNED_END,  # same label
    # « Indisponibilité du mentor » — « Mentor indisponible (temps, déménagement, santé) »
    ClosureReason.MENTOR_UNAVAILABLE: PairClosureReason.MENTOR_UNAVAILABLE,
    ClosureReason.YOUTH_DISENGAGED: PairClosureReason.YOUTH_DISENGAGED,  # « Désengagement du jeune »
    # « … changement de lieu d'accueil »: the youth's placement, hence the youth's move
    ClosureReason.MOVE: PairClosureReason.MOVE,
    ClosureReason.END_OF_CARE: PairClosureReason.END_OF_MEASURE,  # same label
    ClosureReason.AGE_LIMIT: PairClosureReason.AGE_LIMIT,  # « Majorité ou 21 ans »
    ClosureReason.SAFETY: PairClosureReason.SAFETY,  # same label
    ClosureReason.HONORABILITY: PairClosureReason.HONORABILITY,  # « Honorabilité du mentor »
    ClosureReason.OTHER: None,  # no counterpart: « Non classé — Autre motif »
}
UNCLASSIFIED = "Non classé"
# The import's reasons that the lifecycle counts as a stop of the pair itself (« arrêté en cours de route »).
PAIR_RELATED_REASONS = [
    code
    for code, reason in IMPORTED_CLOSURE_REASONS.items()
    if reason is not None and REASON_CATEGORY[reason] == ClosureCategory.PAIR
]
IMPORTED_DURATION = ExpressionWrapper(F("ended_on") - F("started_on"), output_field=DurationField())
assert set(IMPORTED_CLOSURE_REASONS) == set(ClosureReason), "map every reason of the import file"


def imported_closure(code: str) -> tuple[str, str, str]:
    """(the lifecycle's reason code, or the import's when it has none; type of end; reason), as the
    dashboards show an imported pair's closure reason. Empty strings when no reason was given."""
    if not code:
        return "", "", ""
    reason = IMPORTED_CLOSURE_REASONS.get(code)
    if reason is None:
        return code, UNCLASSIFIED, dict(ClosureReason.choices).get(code, code)
    return reason.value, REASON_CATEGORY[reason].label, reason.label


# Each breakdown of steering (`steering.indicators.DIMENSIONS`): the imported pair's column (label,
# order), and the dimensions whose value depends on the period itself.
PAIR_DIMENSIONS = {
    "association": ("association__name", None),
    "territory": ("territory__name", None),
    "school_level": ("school_level__label", "school_level__position"),
    "gender": ("gender", None),
    "care_measure": ("care_measure__label", "care_measure__position"),
    "modality": ("modality", None),
    "objective": ("objective__label", "objective__position"),
}
PERIOD_DIMENSIONS = {"age": lambda period: imported_age_band(period.end), "origin": imported_origin}


def reported_pair_dimension_counts(scope, periods) -> dict[str, list[dict]]:
    """Every breakdown of the imported pairs, for each period, in ONE query: distinct youths followed
    per value ({"value", "order", "n0", "n1"…}, the shape of `steering.indicators.dimension_counts`),
    and, under "closure_reason", the pairs closed per reason ({"closure_reason", "closure_category",
    "label", "n0"…}: mapped by `IMPORTED_CLOSURE_REASONS`).

    The scope's pairs in a common table expression, unfolded into (dimension, value, who) rows by a
    UNION ALL, first reduced to one row per youth (per pair for closures), then summed."""
    annotations = {"who": YOUTH_KEY, "pair": Cast("pk", output_field=CharField())}
    for i, period in enumerate(periods):
        annotations[f"f{i}"] = ExpressionWrapper(followed_in(period), output_field=BooleanField())
        annotations[f"c{i}"] = ExpressionWrapper(closed_in(period), output_field=BooleanField())
    for key, (label, order) in PAIR_DIMENSIONS.items():
        annotations[f"d_{key}"] = F(label)
        if order:
            annotations[f"o_{key}"] = F(order)
    for key, expression in PERIOD_DIMENSIONS.items():
        for i, period in enumerate(periods):
            annotations[f"d_{key}{i}"] = expression(period)
    annotations["d_closure"] = F("closure_reason")
    inner = reported_pairs(scope).filter(touching(periods)).annotate(**annotations).values(*annotations)
    sql, params = inner.order_by().query.sql_with_params()
    n = len(periods)

    def branch(key, value, order, who="who", flag="f", counted=range(n)):
        columns = ", ".join(f"{flag}{i} AS n{i}" if i in counted else f"FALSE AS n{i}" for i in range(n))
        # Only this module's own names go into the text; every value travels as a parameter.
        return f"SELECT '{key}' AS dim, {value} AS value, {order} AS ord, {who} AS who, {columns} FROM t"  # noqa: S608

    branches = [
        branch(key, f"d_{key}", f"o_{key}" if order else "0")
        for key, (_label, order) in PAIR_DIMENSIONS.items()
    ]
    for key in PERIOD_DIMENSIONS:
        branches += [branch(key, f"d_{key}{i}", "0", counted=[i]) for i in range(n)]
    branches.append(branch("closure_reason", "d_closure", "0", who="pair", flag="c"))
    seen = ", ".join(f"MAX(CASE WHEN n{i} THEN 1 ELSE 0 END) AS n{i}" for i in range(n))
    sums = ", ".join(f"SUM(n{i})" for i in range(n))
    union = "\n  UNION ALL ".join(branches)
    query = (
        f"WITH t AS ({sql})\n"  # noqa: S608
        f"SELECT dim, value, ord, {sums} FROM (\n"
        f" SELECT dim, value, ord, who, {seen} FROM (\n  {union}\n ) AS u\n"
        " GROUP BY dim, value, ord, who\n) AS y\n"
        "GROUP BY dim, value, ord"
    )
    result: dict[str, list[dict]] = {}
    with connections[inner.db].cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    for dim, value, order, *numbers in rows:
        counts = {f"n{i}": int(number or 0) for i, number in enumerate(numbers)}
        if dim == "closure_reason":
            code, category, reason = imported_closure(value)
            row = {"closure_reason": code, "closure_category": category, "label": f"{category} — {reason}"}
            if not code:
                row["label"] = None  # « non renseigné »
            result.setdefault(dim, []).append(row | counts)
        else:
            result.setdefault(dim, []).append({"value": value, "order": order or 0} | counts)
    return result


def reported_pair_trend(scope, months) -> dict[str, list[int]]:
    """Imported pairs followed, started (new and renewed) and closed in each month: one query."""
    aggregates = {}
    for i, month in enumerate(months):
        aggregates |= {
            f"f{i}": Count("pk", filter=followed_in(month)),
            f"n{i}": Count("pk", filter=started_in(month)),
            f"c{i}": Count("pk", filter=closed_in(month)),
        }
    row = reported_pairs(scope).filter(touching(months)).aggregate(**aggregates)
    return {
        name: [row[f"{letter}{i}"] for i in range(len(months))]
        for name, letter in (("followed", "f"), ("new", "n"), ("closed", "c"))
    }


def reported_pair_summary(scope, period, group_fields: list[str]) -> list[dict]:
    """Imported pairs grouped by `group_fields` (paths shared with `Mentorship`: `association__name`,
    `departement__insee_code`…): youths mentored, pairs followed, new, renewed, closed. One query."""
    followed, started = followed_in(period), started_in(period)
    return list(
        reported_pairs(scope)
        .filter(touching([period]))
        .values(*group_fields)
        .annotate(
            youths_mentored=Count(YOUTH_KEY, distinct=True, filter=followed),
            pairs_followed=Count("pk", filter=followed),
            pairs_new=Count("pk", filter=started & Q(is_renewal=False)),
            pairs_renewed=Count("pk", filter=started & Q(is_renewal=True)),
            pairs_closed=Count("pk", filter=closed_in(period)),
        )
        .order_by(*group_fields)
    )


REPORTED_ROW_FIELDS = (
    "association_id",
    "external_id",
    "youth_external_id",
    "mentor_external_id",
    "association__name",
    "territory__name",
    "birth_year",
    "gender",
    "school_level__label",
    "care_measure__label",
    "modality",
    "objective__label",
    "is_renewal",
    "started_on",
    "ended_on",
    "state",
    "meetings_in_person",
    "meetings_remote",
    "closure_reason",
    "objective_reached",
)


def reported_pair_rows(scope, period):
    """The imported pairs followed during the period, one dict per pair with `REPORTED_ROW_FIELDS` (their
    meetings summed over the months reported up to the period's end), streamed: one query. For the Données tab, which
    pseudonymises the identifiers before writing anything."""

    def meetings(column):  # up to the period's last month: the rows as they stood then
        total = (
            ReportedMeetings.objects.filter(pair=OuterRef("pk"), month__lte=period.end)
            .order_by()
            .values("pair")
            .annotate(total=Sum(column))
            .values("total")
        )
        return Coalesce(Subquery(total, output_field=IntegerField()), 0)

    pairs = (
        reported_pairs(scope)
        .filter(followed_in(period))
        .annotate(meetings_in_person=meetings("in_person"), meetings_remote=meetings("remote"))
        .order_by("started_on", "association__name", "external_id")
    )
    for values in pairs.values_list(*REPORTED_ROW_FIELDS).iterator(chunk_size=2000):
        yield dict(zip(REPORTED_ROW_FIELDS, values, strict=True))


REPORTED_STATES = dict(ReportedPairState.choices)


REPORTED_PAIR_LABELS = {
    "pairs_followed": "Binômes importés suivis pendant le mois",
    "youths_followed": "Jeunes des binômes importés",
    "pairs_started": "Binômes importés commencés pendant le mois",
    "renewals_started": "dont reconductions",
    "pairs_closed": "Binômes importés clôturés pendant le mois",
    "pairs_active_at_end": "Binômes importés en cours à la fin du mois",
    "meetings_in_person": "Rencontres en présentiel (binômes importés)",
    "meetings_remote": "Rencontres à distance (binômes importés)",
    "closed_lt6": "dont clôturés avant 6 mois",
    "closed_lt12": "dont clôturés avant 12 mois",
    "duration_days_total": "Durée cumulée des binômes importés clôturés (jours)",
    "objective_reached": "Binômes importés clôturés, objectif atteint",
    "objective_not_reached": "Binômes importés clôturés, objectif non atteint",
    "abandoned": "Binômes importés arrêtés en cours de route",
}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 86400, 1)
    return value


def live_indicators(report) -> dict:
    """{key: {"label", "value"}} computed by the platform for the report's association, département and
    month (or quarter), at this moment. The steering engine computes them (registered as
    "live_figures", see `reporting.engine`); the declared figures are left out (they are the revision
    itself)."""
    try:
        values = engine.call("live_figures", report) or {}
    except Exception:  # the engine is shared work: a failure must not block a submission
        logger.exception("live indicators unavailable for a report")
        values = {}
    result = {key: {"label": label, "value": _json_value(value)} for key, (label, value) in values.items()}
    for key, value in reported_pair_figures(scope_of(report), report_span(report)).items():
        result[f"imported_{key}"] = {"label": REPORTED_PAIR_LABELS[key], "value": value}
    return result


@dataclass(frozen=True)
class ReportScope:
    """The scope of one association's report, in the shape the reads above take (`departement`,
    `association`, `territory`), without the steering engine's `Scope`."""

    departement: object
    association: object
    territory: object = None


@dataclass(frozen=True)
class ReportSpan:
    """The months a report covers, in the shape the reads above take (`kind`, `start`, `end`)."""

    kind: str
    start: datetime.date
    end: datetime.date


def scope_of(report) -> ReportScope:
    return ReportScope(report.period.departement, report.association)


def report_span(report) -> ReportSpan:
    """The month, or the quarter for a quarterly report, that the report covers."""
    month = report.period.month
    last = datetime.date(month.year, month.month, monthrange(month.year, month.month)[1])
    if report.is_quarterly:
        first_month = month.month - (month.month - 1) % 3
        return ReportSpan("quarter", datetime.date(month.year, first_month, 1), last)
    return ReportSpan("month", month.replace(day=1), last)
