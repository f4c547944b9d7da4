"""Reads over the reporting cycle, for the steering indicators, the Cotech pack and the snapshots.

- `steering_figures(scope, period)`: what the associations *declared* (their submitted revision in
  force), summed in SQL over a steering scope and period. `binome.steering.indicators.reported_figures`
  calls it.
- `reported_pair_figures(scope, period)`: the pairs and meetings associations *imported* from their own
  CRM (`ReportedPair`, `ReportedMeetings`). The steering engine adds these to the pairs it counts in
  `mentorships.Mentorship`: an association reports a pair either by working in Binôme or by importing
  it, never both, so the sum does not double count.
- `live_indicators(report)`: the figures the platform computes for one association, département and
  month, frozen into each submitted revision.
"""

import logging
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from binome.reporting.models import COST_FIELDS, ReportedMeetings, ReportedPair, ReportRevision

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


def steering_figures(scope, period) -> dict | None:
    """Declared figures summed over the scope (one query). FTE are a monthly level, so over a quarter
    or a year they are the average of the months reported; counts and amounts are summed. None when
    nothing was submitted, or for a territory (associations do not declare per territory)."""
    if getattr(scope, "territory", None) is not None:
        return None
    costs = sum((Coalesce(F(name), ZERO) for name in COST_FIELDS[1:]), Coalesce(F(COST_FIELDS[0]), ZERO))
    row = _revisions(scope, period).aggregate(
        n=Count("pk"),
        months=Count("report__period__month", distinct=True),
        fte_staff=Sum("fte_staff"),
        fte_volunteers=Sum("fte_volunteers"),
        funding_total=Sum("funding_total"),
        costs_total=Sum(costs),
        ase_structures_contacted=Sum("ase_structures_contacted"),
        ase_structures_met=Sum("ase_structures_met"),
        info_meetings=Sum("information_meetings"),
        awareness_actions=Sum("awareness_actions"),
        workshops=Sum("workshops"),
    )
    if not row.pop("n"):
        return None
    months = row.pop("months") or 1
    for key in ("fte_staff", "fte_volunteers"):
        if row[key] is not None:
            row[key] = round(row[key] / months, 2)
    return row


def reported_pair_figures(scope, period) -> dict:
    """Imported pairs for the scope and period: followed, started, closed, active at the end, distinct
    youths followed, and meetings in the period (two queries)."""
    pairs = ReportedPair.objects.all()
    if scope.departement is not None:
        pairs = pairs.filter(departement=scope.departement)
    if scope.association is not None:
        pairs = pairs.filter(association=scope.association)
    if getattr(scope, "territory", None) is not None:
        pairs = pairs.filter(territory=scope.territory)
    followed = Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    row = pairs.aggregate(
        pairs_followed=Count("pk", filter=followed),
        youths_followed=Count("youth_external_id", filter=followed, distinct=True),
        pairs_started=Count("pk", filter=Q(started_on__gte=period.start, started_on__lte=period.end)),
        renewals_started=Count(
            "pk", filter=Q(started_on__gte=period.start, started_on__lte=period.end, is_renewal=True)
        ),
        pairs_closed=Count("pk", filter=Q(ended_on__gte=period.start, ended_on__lte=period.end)),
        pairs_active_at_end=Count(
            "pk",
            filter=Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end)),
        ),
    )
    meetings = ReportedMeetings.objects.filter(
        pair__in=pairs, month__gte=period.start, month__lte=period.end
    ).aggregate(in_person=Sum("in_person"), remote=Sum("remote"))
    row["meetings_in_person"] = meetings["in_person"] or 0
    row["meetings_remote"] = meetings["remote"] or 0
    return row


REPORTED_PAIR_LABELS = {
    "pairs_followed": "Binômes importés suivis pendant le mois",
    "youths_followed": "Jeunes des binômes importés",
    "pairs_started": "Binômes importés commencés pendant le mois",
    "renewals_started": "dont reconductions",
    "pairs_closed": "Binômes importés clôturés pendant le mois",
    "pairs_active_at_end": "Binômes importés en cours à la fin du mois",
    "meetings_in_person": "Rencontres en présentiel (binômes importés)",
    "meetings_remote": "Rencontres à distance (binômes importés)",
}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 86400, 1)
    return value


def live_indicators(report) -> dict:
    """{key: {"label", "value"}} computed by the platform for the report's association, département and
    month, at this moment. Uses the steering engine; the declared figures are left out (they are the
    revision itself)."""
    from binome.steering.indicators import INDICATORS, Scope, figures
    from binome.steering.periods import Period

    scope = Scope(departement=report.period.departement, association=report.association)
    period = Period.month(report.period.month.year, report.period.month.month)
    result = {}
    try:
        [values] = figures(scope, [period])
    except Exception:  # the engine is shared work: a failure must not block a submission
        logger.exception("live indicators unavailable for a report")
        values = {}
    for indicator in INDICATORS:
        if indicator.source == "reporting" or indicator.key not in values:
            continue
        result[indicator.key] = {"label": indicator.label, "value": _json_value(values[indicator.key])}
    for key, value in reported_pair_figures(scope, period).items():
        result[f"imported_{key}"] = {"label": REPORTED_PAIR_LABELS[key], "value": value}
    return result
