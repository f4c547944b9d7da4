"""SQL building blocks of the steering figures: which pairs a period counts (conditions on
`Mentorship`), durations, the median, and the small arithmetic every group of figures shares."""

import datetime

from django.db import connections
from django.db.models import Aggregate, Case, DurationField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate

from binome.steering.periods import Period


def followed_in(period: Period) -> Q:
    """A pair followed during the period: launched (every signature in, launch meeting held) by its
    end, not closed before its start. A pair still « convention à signer » is not followed yet."""
    return Q(started_at__lte=period.end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=period.start))


def started_in(period: Period) -> Q:
    """A pair launched during the period."""
    return Q(started_at__gte=period.start, started_at__lte=period.end)


def validated_in(period: Period) -> Q:
    return Q(validated_at__gte=period.start_at, validated_at__lt=period.end_before)


def closed_in(period: Period) -> Q:
    return Q(ended_at__gte=period.start, ended_at__lte=period.end)


def active_at_end(period: Period) -> Q:
    """Launched and not closed on the period's last day."""
    return Q(started_at__lte=period.end) & (Q(ended_at__isnull=True) | Q(ended_at__gt=period.end))


def open_at_end(period: Period) -> Q:
    """Validated and not closed on the period's last day, launched or not."""
    return Q(validated_at__lt=period.end_before) & (Q(ended_at__isnull=True) | Q(ended_at__gt=period.end))


def during(periods, field_name: str) -> Q:
    """A timestamp within any of the periods (the WHERE clause; each period is then a FILTER)."""
    q = Q()
    for period in periods:
        q |= Q(**{f"{field_name}__gte": period.start_at, f"{field_name}__lt": period.end_before})
    return q


def touching(periods, prefix: str = "") -> Q:
    """Rows followed in at least one of the periods (a WHERE clause the indexes can use); `prefix`: the
    path to the pair from another model."""
    latest_end = max(p.end_before for p in periods)
    earliest_start = min(p.start for p in periods)
    return Q(**{f"{prefix}validated_at__lt": latest_end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": earliest_start})
    )


DURATION = ExpressionWrapper(
    F("ended_at") - Coalesce("started_at", TruncDate("validated_at")), output_field=DurationField()
)
TIME_TO_MATCH = ExpressionWrapper(F("validated_at") - F("referral_accepted_at"), output_field=DurationField())
# What a youth lives: from the referral sent to the département to the launch meeting (the pair's first).
TO_FIRST_MEETING = ExpressionWrapper(
    F("started_at") - TruncDate("referral__submitted_at"), output_field=DurationField()
)
# On a referral: from its transmission to the département to its acceptance by an association.
TO_ACCEPTANCE = ExpressionWrapper(F("accepted_at") - F("submitted_at"), output_field=DurationField())


class Median(Aggregate):
    """PostgreSQL's exact median (`percentile_cont`). Other databases: see `median()`."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def median(queryset, expression) -> datetime.timedelta | None:
    """The median of a duration over a queryset, in the database: `percentile_cont` on PostgreSQL; on
    SQLite, a count then the one or two middle rows of the ordered values (two queries)."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.aggregate(m=Median(expression, output_field=DurationField()))["m"]
    ordered = queryset.annotate(_value=expression).filter(_value__isnull=False).order_by("_value")
    count = ordered.count()
    if not count:
        return None
    middle = list(ordered.values_list("_value", flat=True)[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, datetime.timedelta()) / len(middle)


def days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def ratio(part, whole) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def origin(period: Period):
    return Case(
        When(started_in(period) & Q(is_renewal=False), then=Value("new")),
        When(started_in(period) & Q(is_renewal=True), then=Value("renewed")),
        default=Value("continuing"),
    )
