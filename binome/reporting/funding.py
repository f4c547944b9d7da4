"""Funding by funder and by sub-project, costs by category (toolkit p. 15): what the associations
declared in their revisions in force, over a steering scope and period, line by line. The steering
dashboard, the tableau de pilotage's « Financement » tab and the Cotech pack read it.

The same reports count as in `figures.steering_figures`: a report counts in a view when every month it
covers lies in the view (a quarterly report counts in its quarter and its year, in no month).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from binome.reporting.figures import _revisions
from binome.reporting.models import COST_FIELDS, ReportFigures, SubProject


@dataclass
class Declared:
    """Amounts in euros, largest first; `*_total` their sums. A line list stays empty when nothing of
    its kind was declared (« non renseigné », never 0 €)."""

    funders: list[tuple[str, Decimal]] = field(default_factory=list)
    sub_projects: list[tuple[str, Decimal]] = field(default_factory=list)
    costs: list[tuple[str, Decimal]] = field(default_factory=list)
    associations: list[str] = field(default_factory=list)  # those whose declarations are summed

    @property
    def funding_total(self) -> Decimal | None:
        return sum((amount for _, amount in self.funders), Decimal(0)) if self.funders else None

    @property
    def costs_total(self) -> Decimal | None:
        return sum((amount for _, amount in self.costs), Decimal(0)) if self.costs else None


def cost_label(name: str) -> str:
    """« Coûts de personnel », « Locaux »…: the field's name without its « (€) »."""
    label = str(ReportFigures._meta.get_field(name).verbose_name).removesuffix(" (€)")
    return label[:1].upper() + label[1:]


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _sorted(totals: dict) -> list[tuple[str, Decimal]]:
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def declared_lines(scope, period, *, filed_in: bool = False) -> Declared | None:
    """Funding per funder (names grouped whatever their case and spaces, shown as first written) and per
    sub-project, costs per category. None for a territory (associations do not declare per territory)
    or when no report counts in the view. `filed_in`: every report filed for the period's months,
    a quarterly one included (the Cotech pack of a month, beside its table of the reports filed)."""
    if getattr(scope, "territory", None) is not None:
        return None
    revisions = _revisions(scope, period)
    if not filed_in:
        revisions = revisions.filter(report__covers_from__gte=period.start)
    revisions = list(
        revisions.values("funding", "report__association__name", *COST_FIELDS).order_by(
            "report__association__name", "report__period__month"
        )
    )
    if not revisions:
        return None
    funders, names = defaultdict(Decimal), {}
    sub_projects, costs = defaultdict(Decimal), defaultdict(Decimal)
    sub_labels = dict(SubProject.choices)
    for revision in revisions:
        for line in revision["funding"] or []:
            amount = _amount(line.get("amount"))
            funder = " ".join(str(line.get("funder") or "").split())
            if amount is None or not funder:
                continue
            key = funder.casefold()
            names.setdefault(key, funder)
            funders[key] += amount
            sub = line.get("sub_project") or SubProject.MENTORING
            sub_projects[sub_labels.get(sub, SubProject.OTHER.label)] += amount
        for name in COST_FIELDS:
            if revision[name] is not None:
                costs[cost_label(name)] += revision[name]
    return Declared(
        funders=[(names[key], amount) for key, amount in _sorted(funders)],
        sub_projects=_sorted(sub_projects),
        costs=_sorted(costs),
        associations=sorted({r["report__association__name"] for r in revisions}),
    )
