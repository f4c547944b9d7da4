"""The dashboard's tables, built once from a report and shown three ways: as an HTML table, as the data
of the chart above it, and as an xlsx download. Cells carry their unit so each rendering formats them."""

from dataclasses import dataclass, field
from typing import Any

from binome.steering.indicators import (
    DIMENSIONS,
    INDICATORS,
    REGISTRY,
    STAGES,
    SUMMARY_COLUMNS,
    Report,
)


@dataclass(frozen=True)
class Cell:
    value: Any
    unit: str = "count"  # count | days | ratio | euros | fte | number | change | points
    missing: str = "—"  # what an unknown value reads: « non renseigné » for figures that are declared


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]  # first cell: the row's label (text); others: Cell, text or None
    description: str = ""
    chart: dict | None = None  # Chart.js type and which columns to draw

    def chart_data(self) -> dict | None:
        """What the page's script gives Chart.js: labels and numeric series, nothing else."""
        if not self.chart:
            return None
        columns = self.chart.get("columns", [1])
        rows = [row for row in self.rows if any(_number(row[c]) is not None for c in columns)]
        return {
            "type": self.chart["type"],
            "labels": [str(row[0]) for row in rows],
            "datasets": [
                {"label": self.headers[c], "data": [_number(row[c]) for row in rows]} for c in columns
            ],
            "percent": self.chart.get("percent", False),
            "horizontal": self.chart.get("horizontal", False),
        }


def _number(cell):
    value = cell.value if isinstance(cell, Cell) else cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value * 100, 1) if isinstance(cell, Cell) and cell.unit == "ratio" else value


# --- French formatting --------------------------------------------------------------------------------

NARROW_SPACE = "\u202f"


def _grouped(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}".replace(",", NARROW_SPACE).replace(".", ",")
    return text


def display(cell) -> str:
    """A cell as people read it in French: 1 234 · 12,5 % · 23,4 jours · 1 250 € · « non renseigné »."""
    if isinstance(cell, str):
        return cell
    if cell is None:
        return "—"
    value, unit = (cell.value, cell.unit) if isinstance(cell, Cell) else (cell, "count")
    if value is None:
        return cell.missing if isinstance(cell, Cell) else "—"
    if unit == "ratio":
        return f"{_grouped(value * 100, 1)} %"
    if unit == "change":
        sign = "+" if value > 0 else ""
        return f"{sign}{_grouped(value * 100, 0)} %"
    if unit == "points":
        sign = "+" if value > 0 else ""
        return f"{sign}{_grouped(value, 1)} pt"
    if unit == "days":
        return f"{_grouped(value, 1)} j"
    if unit == "euros":
        return f"{_grouped(value, 0)} €"
    if unit in ("fte", "number"):
        return _grouped(value, 1)
    return _grouped(value, 0)


# --- Tables of a report -------------------------------------------------------------------------------


def indicator_tables(report: Report) -> list[Table]:
    """One table per link of the value chain: each indicator, its value, last year's, the change, and
    its definition beside it."""
    tables = []
    previous = report.previous_period
    for stage, figures in report.stages():
        headers = ["Indicateur", report.period.label.capitalize()]
        if previous:
            headers += [f"{previous.label.capitalize()} (même période n-1)", "Évolution"]
        headers += ["Définition", "Source"]
        rows = []
        for figure in figures:
            unit, missing = figure.indicator.unit, _missing(figure.indicator)
            row = [figure.indicator.label, Cell(figure.value, unit, missing)]
            if previous:
                if figure.indicator.comparable:
                    row.append(Cell(figure.previous, unit, missing))
                    row.append(
                        Cell(figure.points, "points") if unit == "ratio" else Cell(figure.change, "change")
                    )
                else:
                    row += ["sans objet", ""]
            row += [figure.indicator.definition, figure.indicator.source_label]
            rows.append(row)
        tables.append(Table(f"stage_{stage.key}", stage.label, headers, rows, stage.definition))
    return tables


def _missing(indicator) -> str:
    """A figure the platform computes and finds nothing for is « — »; one it waits for from the
    associations' monthly reporting is « non renseigné »."""
    return "non renseigné" if indicator.source == "reporting" else "—"


def breakdown_tables(report: Report) -> list[Table]:
    tables = []
    previous = report.previous_period
    for breakdown in report.breakdowns:
        stock = breakdown.key == "colour"  # a state of today: no period, no comparison
        compare = previous is not None and not stock
        headers = [
            breakdown.dimension.label.replace("Par ", "").capitalize(),
            "Aujourd'hui" if stock else report.period.label.capitalize(),
        ]
        if compare:
            headers.append(f"{previous.label.capitalize()} (n-1)")
        rows = [
            [label, Cell(current)] + ([Cell(last_year)] if compare else [])
            for label, current, last_year in breakdown.rows
        ]
        chart = {"type": "bar", "columns": [1, 2] if compare else [1]}
        if breakdown.key in ("gender", "origin", "colour"):
            chart = {"type": "doughnut", "columns": [1]}
        elif breakdown.key in HORIZONTAL:
            chart["horizontal"] = True
        tables.append(
            Table(
                f"breakdown_{breakdown.key}",
                breakdown.dimension.heading,
                headers,
                rows,
                breakdown.dimension.definition,
                chart,
            )
        )
    return tables


HORIZONTAL = ("association", "territory", "school_level", "care_measure", "objective", "closure_reason")


def trend_table(report: Report) -> Table | None:
    trend = report.trend
    if trend is None:
        return None
    rows = [
        [month.label.capitalize(), Cell(f), Cell(n), Cell(c)]
        for month, f, n, c in zip(trend.months, trend.followed, trend.new, trend.closed, strict=True)
    ]
    return Table(
        "trend",
        "Évolution sur 12 mois",
        ["Mois", "Binômes suivis", "Binômes validés (nouveaux et reconduits)", "Binômes clôturés"],
        rows,
        "Pour chacun des 12 mois qui finissent avec la période : binômes suivis dans le mois, validés, clôturés.",
        {"type": "line", "columns": [1, 2, 3]},
    )


def association_table(report: Report) -> Table | None:
    if report.scope.kind == "association":
        return None
    rows = [
        [row["association__name"]]
        + [
            Cell(row[key], REGISTRY[key].unit if key in REGISTRY else "count")
            for key, _label in SUMMARY_COLUMNS
        ]
        for row in report.associations
    ]
    return Table(
        "associations",
        "Synthèse par association",
        ["Association"] + [label for _key, label in SUMMARY_COLUMNS],
        rows,
        "Les principaux indicateurs de la période, association par association.",
    )


def coverage_table(report: Report) -> Table | None:
    keys = ("coverage_eligible", "coverage_proposed", "coverage_accepted", "coverage_matched")
    if report.values.get("coverage_eligible") is None:
        return None
    eligible = report.values["coverage_eligible"]
    rows = [
        [
            REGISTRY[key].label,
            Cell(report.values[key]),
            Cell(report.values[key] / eligible if eligible else None, "ratio"),
        ]
        for key in keys
    ]
    return Table(
        "coverage",
        "Couverture de l'obligation légale",
        ["Étape", "Jeunes", "Part des jeunes éligibles"],
        rows,
        REGISTRY["coverage_eligible"].definition,
        {"type": "bar", "columns": [1]},
    )


def all_tables(report: Report) -> list[Table]:
    """Every table of the dashboard, in the page's order."""
    tables = indicator_tables(report)
    tables += [t for t in (trend_table(report), association_table(report), coverage_table(report)) if t]
    tables += breakdown_tables(report)
    return tables


def table_keys() -> set[str]:
    """The keys a table download may ask for."""
    keys = {f"stage_{s.key}" for s in STAGES} | {f"breakdown_{d.key}" for d in DIMENSIONS}
    return keys | {"trend", "associations", "coverage"}


def summary_rows(report: Report) -> list[list]:
    """The Synthèse tab: every indicator with its stage."""
    rows = []
    stage_labels = {s.key: s.label for s in STAGES}
    for indicator in INDICATORS:
        figure = report.figure(indicator.key)
        rows.append(
            [
                stage_labels[indicator.stage],
                indicator.label,
                Cell(figure.value, indicator.unit, _missing(indicator)),
                Cell(figure.previous, indicator.unit, _missing(indicator))
                if indicator.comparable
                else "sans objet",
                indicator.definition,
            ]
        )
    return rows


@dataclass
class KeyFigure:
    label: str
    value: str
    previous: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def key_figures(report: Report) -> list[KeyFigure]:
    """The four figures at the top of the page."""
    keys = ["youths_mentored", "pairs_new", "time_to_match_avg", "coverage_rate"]
    if report.scope.kind == "association":
        keys[-1] = "pairs_closed"
    result = []
    for key in keys:
        figure = report.figure(key)
        unit = figure.indicator.unit
        previous = ""
        if report.previous_period and figure.indicator.comparable:
            previous = f"{display(Cell(figure.previous, unit))} en {report.previous_period.label}"
        value = display(Cell(figure.value, unit, _missing(figure.indicator)))
        result.append(KeyFigure(figure.indicator.label, value, previous))
    return result
