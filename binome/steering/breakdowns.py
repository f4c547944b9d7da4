"""The breakdowns of the dashboards: youths mentored by association, territory, age, school level,
gender, care measure, origin, modality and objective (one query for all of them), pairs closed by
reason, open pairs by follow-up colour."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Case, Count, Value, When

from binome.accounts.models import Organisation
from binome.mentorships.models import ClosureCategory, ClosureReason, Colour
from binome.references.models import ReferenceItem
from binome.reporting.figures import reported_pair_dimension_counts
from binome.steering.figures import colour_figures
from binome.steering.periods import Period
from binome.steering.registry import DIMENSIONS, UNKNOWN, Dimension
from binome.steering.scope import Scope
from binome.steering.sql import closed_in, followed_in, origin, touching
from binome.territories.models import Territory
from binome.utils.choices import Gender, Modality
from binome.utils.dates import years_before
from binome.utils.steering_rules import AGE_BANDS, AGE_LIMITS, OLDEST_BAND, ORIGINS
from binome.youths.models import Youth


@dataclass
class Breakdown:
    dimension: Dimension
    rows: list[tuple[str, int, int | None]]  # (label, this period, same period last year)

    @property
    def key(self) -> str:
        return self.dimension.key


# Each youth dimension: the youth's column, and the table and columns that label it (None: the
# column's own value, a code the breakdown labels). An objective is a many-to-many: its own branch.
YOUTH_DIMENSIONS = {
    "territory": ("territory", Territory, "name", None),
    "school_level": ("school_level", ReferenceItem, "label", "position"),
    "gender": ("gender", None, None, None),
    "care_measure": ("care_measure", ReferenceItem, "label", "position"),
    "modality": ("modality", None, None, None),
}


def _age_thresholds(on: datetime.date) -> list[tuple[str, datetime.date]]:
    """(band, born after this day) in band order: the breakdowns' age rule (`AGE_LIMITS`)."""
    return [(code, years_before(on, age)) for code, age in AGE_LIMITS]


def dimension_counts(scope: Scope, periods: list[Period]) -> dict[str, list[dict]]:
    """Distinct youths per value of every dimension, for each period, in ONE query.

    The scope's pairs touching the periods (the ORM's query, so the scope and period rules stay
    those of this module) are folded into one row per youth (followed in each period or not), joined
    to the youth's row; each dimension is then a plain GROUP BY over those youths, labels joined after
    the fold. Only the pair's own dimensions (association, new/renewed/continuing) group the pairs
    themselves, counting each youth once per value. Plain SQL that PostgreSQL and SQLite both run."""
    n = len(periods)
    flags = [f"f{i}" for i in range(n)]
    pairs = (
        scope.pairs()
        .filter(touching(periods))
        .annotate(
            **{
                f"f{i}": Case(When(followed_in(p), then=Value(1)), default=Value(0))
                for i, p in enumerate(periods)
            },
            **{f"o{i}": origin(p) for i, p in enumerate(periods)},
        )
        .values("youth_id", "association_id", *flags, *[f"o{i}" for i in range(n)])
        .order_by()
    )
    pairs_sql, params = pairs.query.sql_with_params()
    params = list(params)
    pairs_params = len(params)
    youth_table, youth_pk = Youth._meta.db_table, Youth._meta.pk.column
    columns = {key: Youth._meta.get_field(field).column for key, (field, *_rest) in YOUTH_DIMENSIONS.items()}
    objectives = Youth.objectives.through._meta
    objective_youth = objectives.get_field("youth").column
    objective_item = objectives.get_field("referenceitem").column
    birth_date = Youth._meta.get_field("birth_date").column

    def sums(counted=None) -> str:
        return ", ".join(
            f"SUM({flag}) AS n{i}" if counted is None or i == counted else f"0 AS n{i}"
            for i, flag in enumerate(flags)
        )

    counts = ", ".join(f"n{i}" for i in range(n))

    def labelled(key, grouped, model, label, order) -> str:
        """Count per id first, then join the few labels (not one label per youth)."""
        table, pk = model._meta.db_table, model._meta.pk.column
        order_sql = f"l.{order}" if order else "0"
        return (
            f"SELECT '{key}', l.{label}, {order_sql}, {counts} FROM ({grouped}) a "  # noqa: S608
            f"LEFT JOIN {table} l ON l.{pk} = a.id"
        )

    # Only this module's and the models' own names go into the text; every value is a parameter.
    branches = []
    for key, (_field, model, label, order) in YOUTH_DIMENSIONS.items():
        column = f"y.{columns[key]}"
        if model is None:
            branches.append(f"SELECT '{key}', {column}, 0, {sums()} FROM y GROUP BY {column}")  # noqa: S608
            continue
        grouped = f"SELECT {column} AS id, {sums()} FROM y GROUP BY {column}"  # noqa: S608
        branches.append(labelled(key, grouped, model, label, order))
    grouped = (
        f"SELECT yo.{objective_item} AS id, {sums()} FROM y "  # noqa: S608
        f"LEFT JOIN {objectives.db_table} yo ON yo.{objective_youth} = y.youth_id GROUP BY yo.{objective_item}"
    )
    branches.append(labelled("objective", grouped, ReferenceItem, "label", "position"))
    for i, period in enumerate(periods):
        whens = []
        for code, born_after in _age_thresholds(period.end):
            whens.append(f"WHEN y.{birth_date} > %s THEN '{code}'")
            params.append(born_after)
        band = f"CASE {' '.join(whens)} ELSE '{OLDEST_BAND}' END"
        branches.append(f"SELECT 'age', {band}, 0, {sums(i)} FROM y GROUP BY 2")  # noqa: S608
    seen = ", ".join(f"MAX({flag}) AS {flag}" for flag in flags)
    grouped = (
        f"SELECT association_id AS id, {sums()} FROM "  # noqa: S608
        f"(SELECT association_id, youth_id, {seen} FROM p GROUP BY association_id, youth_id) a "
        "GROUP BY association_id"
    )
    branches.append(labelled("association", grouped, Organisation, "name", None))
    for i in range(n):
        branches.append(
            f"SELECT 'origin', o{i}, 0, {sums(i)} FROM "  # noqa: S608
            f"(SELECT o{i}, youth_id, {seen} FROM p GROUP BY o{i}, youth_id) a GROUP BY o{i}"
        )
    # The youth's record as it stood at the end of the period (its latest history row before then), so
    # that a school level or a care measure changed later does not rewrite a past period; a youth
    # without such a row (loaded in bulk) keeps today's values.
    history = Youth.history.model._meta
    h_table, h_date, h_pk = history.db_table, history.get_field("history_date").column, history.pk.column
    kept = list(columns.values())
    params.insert(pairs_params, periods[0].end_before)
    youth_columns = ", ".join(
        [f"CASE WHEN h.hid IS NULL THEN t.{c} ELSE h.{c} END AS {c}" for c in kept] + [f"t.{birth_date}"]
    )
    query = (
        f"WITH p AS ({pairs_sql}),\n"  # noqa: S608
        f"g AS (SELECT youth_id, {seen} FROM p GROUP BY youth_id),\n"
        f"h AS (SELECT {youth_pk} AS hid, {', '.join(kept)}, ROW_NUMBER() OVER (PARTITION BY {youth_pk} "
        f"ORDER BY {h_date} DESC, {h_pk} DESC) AS rn FROM {h_table} "
        f"WHERE {youth_pk} IN (SELECT youth_id FROM g) AND {h_date} < %s),\n"
        f"y AS (SELECT g.*, {youth_columns} FROM g JOIN {youth_table} t ON t.{youth_pk} = g.youth_id "
        "LEFT JOIN h ON h.hid = g.youth_id AND h.rn = 1)\n" + "\nUNION ALL ".join(branches)
    )
    result: dict[str, dict] = {}
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(query, params)
        for dim, value, order, *numbers in cursor.fetchall():
            row = result.setdefault(dim, {}).setdefault(
                (value, order), {"value": value, "order": order or 0, **{f"n{i}": 0 for i in range(n)}}
            )
            for i, number in enumerate(numbers):
                row[f"n{i}"] += number or 0
    return {dim: list(rows.values()) for dim, rows in result.items()}


def _rows(raw: list[dict], n_periods: int, label_of, sort_key=None) -> list[tuple]:
    """(label, this period, last year) rows, merged by label (the same reference label in several
    départements is one row nationally), empty rows dropped, « non renseigné » last."""
    merged: dict[str, list] = {}
    order: dict[str, Any] = {}
    for row in raw:
        label = label_of(row)
        counts = merged.setdefault(label, [0] * n_periods)
        for i in range(n_periods):
            counts[i] += row[f"n{i}"]
        order.setdefault(label, sort_key(row) if sort_key else label)
    rows = [
        (label, counts[0], counts[1] if n_periods > 1 else None)
        for label, counts in merged.items()
        if any(counts)
    ]
    return sorted(rows, key=lambda r: (r[0] == UNKNOWN, order[r[0]]))


def _closure_reasons(scope: Scope, periods: list[Period], imported: list[dict] = ()) -> list[tuple]:
    """Pairs (not youths) closed in each period, by reason and its category: one query. `imported`: the
    imported pairs' rows (`reporting.figures.reported_pair_dimension_counts`), their reasons already
    mapped onto these (`reporting.figures.IMPORTED_CLOSURE_REASONS`), so they share the rows; the one
    without a counterpart carries its own label."""
    categories, reasons = dict(ClosureCategory.choices), dict(ClosureReason.choices)
    order = {code: i for i, code in enumerate(reasons)}
    raw = list(
        scope.pairs()
        .filter(ended_at__gte=min(p.start for p in periods), ended_at__lte=max(p.end for p in periods))
        .values("closure_category", "closure_reason")
        .annotate(**{f"n{i}": Count("pk", filter=closed_in(p)) for i, p in enumerate(periods)})
        .order_by()
    )
    raw += imported

    def label(row):
        if not row["closure_reason"]:
            return UNKNOWN
        if row.get("label"):
            return row["label"]
        category = categories.get(row["closure_category"], "")
        return f"{category} — {reasons.get(row['closure_reason'], row['closure_reason'])}"

    return _rows(raw, len(periods), label, lambda r: order.get(r["closure_reason"], 99))


def breakdowns(scope: Scope, periods: list[Period], colours: dict | None = None) -> list[Breakdown]:
    """Youths mentored by each dimension, this period and (when asked) the same period last year;
    pairs closed by reason; open pairs by follow-up colour.

    The pairs associations import from their own CRM count too (one more query for all the dimensions):
    their youths are other youths (a pair is reported in Binôme or imported, never both), so the
    distinct youths add up, row by row (`_rows` merges by label). Their age is computed from the birth
    year alone, with a birthday assumed on 1 July (`reporting.figures.imported_age`)."""
    n = len(periods)
    counts = dimension_counts(scope, periods)
    imported = reported_pair_dimension_counts(scope, periods)
    for key, raw in imported.items():
        if key != "closure_reason":
            counts[key] = [*counts.get(key, []), *raw]
    rows = {}

    def by_value(key, label_of=lambda value: value or UNKNOWN, order_of=None):
        raw = counts.get(key, [])
        return _rows(
            raw, n, lambda r: label_of(r["value"]), order_of or (lambda r: (r["order"], r["value"] or ""))
        )

    if scope.kind != "association":
        rows["association"] = by_value("association")
    rows["territory"] = by_value("territory")
    for key, choices in (("age", AGE_BANDS), ("origin", ORIGINS)):
        labels, position = dict(choices), {code: i for i, (code, _l) in enumerate(choices)}
        rows[key] = by_value(
            key, lambda v, labels=labels: labels.get(v, UNKNOWN), lambda r, p=position: p.get(r["value"], 99)
        )
    rows["school_level"] = by_value("school_level")
    for key, choices in (("gender", Gender.choices), ("modality", Modality.choices)):
        labels, position = dict(choices), {code: i for i, (code, _l) in enumerate(choices)}
        rows[key] = by_value(
            key, lambda v, labels=labels: labels.get(v, UNKNOWN), lambda r, p=position: p.get(r["value"], 99)
        )
    rows["care_measure"] = by_value("care_measure")
    rows["objective"] = by_value("objective")
    rows["closure_reason"] = _closure_reasons(scope, periods, imported.get("closure_reason", []))
    colours = (colours or colour_figures(scope))["_colours"]
    rows["colour"] = [
        (label, colours[code], None) for code, label in [*Colour.choices, ("", UNKNOWN)] if colours.get(code)
    ]
    return [Breakdown(d, rows[d.key]) for d in DIMENSIONS if d.key in rows]
