"""The steering engine's public face: what views, exports, commands and tests use, re-exported from the
modules that each hold one thing —

- `registry`: every indicator and breakdown, its French label and definition (no computation);
- `scope`: whose figures (national, département, association, territory);
- `sql`: the conditions on pairs for a period, durations, the median;
- `figures`: every indicator's value, one SQL query per group of indicators;
- `breakdowns`: youths mentored by dimension, closures by reason, colours;
- `summaries`: 12-month trend, per-association and per-département rows;
- `report`: what a dashboard shows (`build_report`).

Steering reads `binome.reporting` (declared figures, imported pairs); reporting never imports steering
(see `binome.reporting.engine`).
"""

from binome.steering.breakdowns import Breakdown, breakdowns, dimension_counts
from binome.steering.figures import (
    IMPACT_QUESTIONS,
    OBJECTIVE_ANSWERS,
    colour_figures,
    coverage_figures,
    figures,
    pair_figures,
)
from binome.steering.registry import (
    DIMENSION_REGISTRY,
    DIMENSIONS,
    INDICATORS,
    REGISTRY,
    STAGE_LABELS,
    STAGES,
    UNKNOWN,
    Dimension,
    Indicator,
    Stage,
)
from binome.steering.report import Figure, Report, build_report
from binome.steering.scope import Scope
from binome.steering.sql import followed_in, median, ratio
from binome.steering.summaries import SUMMARY_COLUMNS, Trend, by_association, national_rollup, trend
from binome.utils.steering_rules import AGE_BANDS, AGE_LIMITS, OLDEST_BAND, ORIGINS, SIX_MONTHS, TWELVE_MONTHS

__all__ = [
    "AGE_BANDS",
    "AGE_LIMITS",
    "DIMENSIONS",
    "DIMENSION_REGISTRY",
    "IMPACT_QUESTIONS",
    "INDICATORS",
    "OBJECTIVE_ANSWERS",
    "OLDEST_BAND",
    "ORIGINS",
    "REGISTRY",
    "SIX_MONTHS",
    "STAGES",
    "STAGE_LABELS",
    "SUMMARY_COLUMNS",
    "TWELVE_MONTHS",
    "UNKNOWN",
    "Breakdown",
    "Dimension",
    "Figure",
    "Indicator",
    "Report",
    "Scope",
    "Stage",
    "Trend",
    "breakdowns",
    "build_report",
    "by_association",
    "colour_figures",
    "coverage_figures",
    "dimension_counts",
    "figures",
    "followed_in",
    "median",
    "national_rollup",
    "pair_figures",
    "ratio",
    "trend",
]
