"""What the steering engine answers for the reporting cycle, which sits below it and cannot import it:
registered in `binome.reporting.engine` when the app starts (`SteeringConfig.ready`)."""

from binome.reporting import engine
from binome.reporting.figures import quarterly_note
from binome.steering.breakdowns import breakdowns
from binome.steering.figures import figures
from binome.steering.models import CustomIndicator, SteeringSettings
from binome.steering.periods import Period
from binome.steering.registry import INDICATORS, REGISTRY
from binome.steering.report import custom_figures
from binome.steering.scope import Scope
from binome.steering.summaries import by_association

PROFILE_DIMENSIONS = ("age", "gender", "care_measure", "school_level")


def report_period(report) -> Period:
    """The month an association's report covers, or its quarter for a quarterly report."""
    month = report.period.month
    if report.is_quarterly:
        return Period("quarter", month.year, (month.month - 1) // 3 + 1)
    return Period.month(month.year, month.month)


@engine.provide("live_figures")
def live_figures(report) -> dict:
    """{key: (label, value)}: every indicator the platform computes (not the declared ones) for the
    report's association, département and month or quarter, frozen into each submitted revision."""
    scope = Scope(departement=report.period.departement, association=report.association)
    [values] = figures(scope, [report_period(report)])
    return {
        indicator.key: (indicator.label, values[indicator.key])
        for indicator in INDICATORS
        if indicator.source != "reporting" and indicator.key in values
    }


@engine.provide("cotech_figures")
def cotech_figures(period) -> dict:
    """The Cotech pack's figures for a reporting period (a département's month): every indicator this
    month and the same month a year earlier, the per-association rows, the youths' profiles, the
    sentence on quarterly associations, and the registry that defines them."""
    scope = Scope(departement=period.departement)
    month = Period.month(period.month.year, period.month.month)
    values, previous = figures(scope, [month, month.last_year()])
    # What the département adapted (toolkit p. 8): its hidden indicators are left out of the registry
    # the pack reads, its own indicators come with their values.
    hidden = SteeringSettings.for_organisation(period.departement).hidden
    own = list(CustomIndicator.objects.filter(departement=period.departement).select_related("item"))
    both = breakdowns(scope, [month, month.last_year()]) if own else breakdowns(scope, [month])
    return {
        "values": values,
        "previous": previous,
        "per_association": by_association(scope, month),
        "profiles": [b for b in both if b.dimension.key in PROFILE_DIMENSIONS],
        "quarterly_note": quarterly_note(scope, month),
        "registry": {key: indicator for key, indicator in REGISTRY.items() if key not in hidden},
        "custom": custom_figures(own, both, compared=True),
    }
