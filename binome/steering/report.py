"""The report a dashboard shows: every indicator for a period (and the same period last year), its
breakdowns, trend and per-association summary."""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from binome.reporting.corrections import corrections, corrections_text
from binome.reporting.funding import Declared, declared_lines
from binome.steering.breakdowns import Breakdown, breakdowns
from binome.steering.figures import caseload, colour_figures, coverage_rows, figures
from binome.steering.models import CUSTOM_KINDS, CustomIndicator, SteeringSettings
from binome.steering.periods import Period
from binome.steering.registry import INDICATORS, REGISTRY, STAGES, Indicator, Stage
from binome.steering.scope import Scope
from binome.steering.summaries import Trend, by_association, trend


@dataclass
class Figure:
    indicator: Indicator
    value: Any
    previous: Any

    @property
    def change(self):
        """Relative change against the same period last year, when both are known and comparable."""
        if not self.indicator.comparable or self.value is None or self.previous in (None, 0):
            return None
        if self.indicator.unit == "ratio":
            return None  # a difference of shares reads better in points: see `points`
        return (float(self.value) - float(self.previous)) / float(self.previous)

    @property
    def points(self):
        if self.indicator.unit != "ratio" or None in (self.value, self.previous):
            return None
        return (self.value - self.previous) * 100


@dataclass
class CustomFigure:
    """A département's own indicator and its values (None without the breakdowns)."""

    label: str
    definition: str
    value: int | None
    previous: int | None


def custom_figures(indicators, breakdowns_: list[Breakdown], compared: bool) -> list[CustomFigure]:
    """Each own indicator read from the breakdown of its reference list: the youths accompanied whose
    value at the period's end was the item (0 when none)."""
    by_key = {b.key: b for b in breakdowns_}
    result = []
    for indicator in indicators:
        breakdown = by_key.get(CUSTOM_KINDS.get(indicator.item.kind, ""))
        row = next((r for r in breakdown.rows if r[0] == indicator.item.label), None) if breakdown else None
        value = (row[1] if row else 0) if breakdown else None
        previous = (row[2] if row else 0) if breakdown and compared else None
        result.append(CustomFigure(indicator.label, indicator.definition, value, previous))
    return result


@dataclass
class Report:
    scope: Scope
    period: Period
    previous_period: Period | None
    values: dict
    previous_values: dict
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: Trend | None = None
    associations: list[dict] = field(default_factory=list)
    coverage: list[dict] | None = None  # the funnel's rows (`figures.coverage_rows`)
    caseload: list[dict] = field(default_factory=list)
    declared: Declared | None = None  # funding by funder and sub-project, costs by category
    corrections: list[dict] = field(default_factory=list)  # declared figures corrected since submitted
    hidden: set[str] = field(default_factory=set)  # indicators the département does not use
    custom: list[CustomFigure] = field(default_factory=list)  # indicators the département added

    @property
    def corrections_text(self) -> str:
        return corrections_text(self.corrections)

    @property
    def ended(self) -> bool:
        """The period is over: states of today say nothing about it."""
        return self.period.end < timezone.localdate()

    def figure(self, key: str) -> Figure:
        indicator = REGISTRY[key]
        previous = self.previous_values.get(key) if indicator.comparable else None
        return Figure(indicator, self.values.get(key), previous)

    def stages(self) -> list[tuple[Stage, list[Figure]]]:
        """Each link of the value chain and its figures, less those the département hides."""
        return [
            (stage, [self.figure(i.key) for i in self.indicators() if i.stage == stage.key])
            for stage in STAGES
        ]

    def indicators(self) -> list[Indicator]:
        """The registry's indicators the département uses (all of them unless it hid some)."""
        return [i for i in INDICATORS if i.key not in self.hidden]

    def breakdown(self, key: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.key == key), None)


def build_report(
    scope: Scope, period: Period, *, compare: bool = True, details: bool = True, trend_months: int = 12
) -> Report:
    """The dashboard's content: every indicator for the period and, with `compare`, the same period
    last year; with `details`, the breakdowns, the 12-month trend and the per-association summary."""
    periods = [period, period.last_year()] if compare else [period]
    adapted = scope.departement is not None
    settings = SteeringSettings.for_organisation(scope.departement) if adapted else None
    colours = colour_figures(scope)
    coverage, load = coverage_rows(scope, period), caseload(scope)
    values = figures(scope, periods, colours, coverage, load)
    report = Report(
        scope=scope,
        period=period,
        previous_period=periods[1] if compare else None,
        values=values[0],
        previous_values=values[1] if compare else {},
        coverage=coverage,
        caseload=load,
        corrections=corrections(scope, period),
        hidden=settings.hidden if settings else set(),
    )
    if details:
        report.breakdowns = breakdowns(scope, periods, colours)
        report.trend = trend(scope, period, trend_months)
        report.declared = declared_lines(scope, period)
        if adapted:
            own = CustomIndicator.objects.filter(departement=scope.departement).select_related("item")
            report.custom = custom_figures(list(own), report.breakdowns, compare)
        if scope.kind != "association":
            report.associations = by_association(scope, period)
    return report
