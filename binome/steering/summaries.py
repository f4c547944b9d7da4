"""Side-by-side summaries: the 12-month trend, one row per association, one row per département."""

import unicodedata
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from binome.mentorships.models import Mentorship
from binome.reporting.figures import reported_pair_summary, reported_pair_trend
from binome.steering.figures import PROPOSED, in_care_on
from binome.steering.periods import Period
from binome.steering.scope import Scope
from binome.steering.sql import TO_FIRST_MEETING, closed_in, days, followed_in, ratio, started_in, touching
from binome.utils.dates import years_before
from binome.youths.models import Youth


@dataclass
class Trend:
    months: list[Period]
    followed: list[int]
    new: list[int]
    closed: list[int]


def trend(scope: Scope, period: Period, count: int = 12) -> Trend:
    """Pairs followed, new and closed in each of the `count` months ending with the period: one query,
    and one for the pairs imported from the associations' CRMs, added month by month."""
    months = period.trailing_months(count)
    aggregates = {}
    for i, month in enumerate(months):
        aggregates |= {
            f"f{i}": Count("pk", filter=followed_in(month)),
            f"n{i}": Count("pk", filter=started_in(month)),
            f"c{i}": Count("pk", filter=closed_in(month)),
        }
    row = scope.pairs().filter(touching(months)).aggregate(**aggregates)
    imported = reported_pair_trend(scope, months)
    return Trend(
        months,
        [row[f"f{i}"] + imported["followed"][i] for i in range(count)],
        [row[f"n{i}"] + imported["new"][i] for i in range(count)],
        [row[f"c{i}"] + imported["closed"][i] for i in range(count)],
    )


DELAY = "delay_referral_to_first_meeting_avg"  # what a youth lives
SUMMARY_COLUMNS = [
    ("youths_mentored", "Jeunes accompagnés"),
    ("pairs_followed", "Binômes suivis"),
    ("pairs_new", "Nouveaux binômes"),
    ("pairs_renewed", "Reconduits"),
    ("pairs_closed", "Clôturés"),
    (DELAY, "Délai orientation → première rencontre (jours, moyenne)"),
]


def _summary(queryset, group_fields: list[str], period: Period, imported: list[dict] = ()) -> list[dict]:
    """One row per group of `group_fields`: the Binôme pairs of `queryset` (one grouped query), plus the
    `imported` pairs' rows (`reporting.figures.reported_pair_summary`) merged into the same group — a
    group with imported pairs only gets its own row. `imported_pairs_followed` keeps their share.
    The delay stays the Binôme pairs' (imported pairs carry no referral dates)."""
    followed, started = followed_in(period), started_in(period)
    rows = (
        queryset.filter(touching([period]))
        .values(*group_fields)
        .annotate(
            youths_mentored=Count("youth", distinct=True, filter=followed),
            pairs_followed=Count("pk", filter=followed),
            pairs_new=Count("pk", filter=started & Q(is_renewal=False)),
            pairs_renewed=Count("pk", filter=started & Q(is_renewal=True)),
            pairs_closed=Count("pk", filter=closed_in(period)),
        )
        .order_by(*group_fields)
    )
    # The wait to the first meeting: over the few pairs launched in the period, in their own query
    # (joined to their referral), not in the grouped one above.
    delays = {
        tuple(row[f] for f in group_fields): row["delay"]
        for row in queryset.filter(started_in(period), referral__submitted_at__isnull=False)
        .values(*group_fields)
        .annotate(delay=Avg(TO_FIRST_MEETING))
        .order_by()
    }
    merged = {}
    for row in rows:
        row[DELAY] = days(delays.get(tuple(row[f] for f in group_fields)))
        row["imported_pairs_followed"] = 0
        merged[tuple(row[f] for f in group_fields)] = row
    added = ("youths_mentored", "pairs_followed", "pairs_new", "pairs_renewed", "pairs_closed")
    for extra in imported:  # a few rows: one per association or département
        key = tuple(extra[f] for f in group_fields)
        row = merged.setdefault(
            key, {**{f: extra[f] for f in group_fields}, **dict.fromkeys(added, 0), DELAY: None}
        )
        for name in added:
            row[name] += extra[name]
        row["imported_pairs_followed"] = row.get("imported_pairs_followed", 0) + extra["pairs_followed"]

    def collation(key):  # accents aside, as the database orders names
        return [
            unicodedata.normalize("NFKD", str(v or "")).encode("ascii", "ignore").decode().casefold()
            for v in key
        ]

    return [merged[key] for key in sorted(merged, key=collation)]


def by_association(scope: Scope, period: Period) -> list[dict]:
    """The département's summary, one row per association: one grouped query, and one for the pairs
    imported from the associations' CRMs."""
    fields = ["association__name"]
    return _summary(scope.pairs(), fields, period, reported_pair_summary(scope, period, fields))


def coverage_by_departement(youths, period: Period, group_field: str) -> dict:
    """{département: {"due", "proposed"}}: the minors for whom mentoring is due on the period's last
    day and those to whom it had been proposed by then (`figures.coverage_rows`' definitions), one
    grouped query."""
    minors = in_care_on(youths, period.end).filter(birth_date__gt=years_before(period.end, 18))
    rows = (
        minors.values(group_field)
        .annotate(
            due=Count("pk"),
            proposed=Count("pk", filter=Q(proposal_date__lte=period.end, proposal_outcome__in=PROPOSED)),
        )
        .order_by()
    )
    return {row[group_field]: row for row in rows}


def national_rollup(period: Period) -> list[dict]:
    """Every département side by side, with its coverage of the legal obligation: three grouped queries
    (Binôme pairs, imported pairs, coverage)."""
    fields = ["departement__insee_code", "departement__name"]
    rows = _summary(Mentorship.objects.all(), fields, period, reported_pair_summary(Scope(), period, fields))
    coverage = coverage_by_departement(Youth.objects.all(), period, "departement__insee_code")
    for row in rows:
        cov = coverage.get(row["departement__insee_code"], {})
        row["coverage_due"] = cov.get("due", 0)
        row["coverage_proposed"] = cov.get("proposed", 0)
        row["coverage_rate"] = ratio(row["coverage_proposed"], row["coverage_due"])
    return rows
