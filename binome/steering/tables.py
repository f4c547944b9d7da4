"""The dashboard's tables, built once from a report and shown three ways: as an HTML table, as the data
of the chart above it, and as an xlsx download. Cells carry their unit so each rendering formats them."""

from dataclasses import dataclass, field, replace
from typing import Any

from binome.accounts.models import Organisation
from binome.mentorships.models import Colour
from binome.steering.figures import COVERAGE_STEPS, YOUNG_ADULT_STEPS, coverage_by, pair_figures
from binome.steering.periods import Period
from binome.steering.registry import CASELOAD_MAX, DIMENSIONS, REGISTRY, STAGES
from binome.steering.report import Report
from binome.steering.scope import Scope
from binome.steering.sql import ratio
from binome.steering.summaries import DELAY, SUMMARY_COLUMNS, coverage_by_departement, national_rollup
from binome.utils.numbers import grouped
from binome.youths.models import Youth


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
    empty: str = "Aucun jeune accompagné sur cette période."  # what the page says when there is no row

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
            "colours": [self.chart["colours"].get(str(row[0])) for row in rows]
            if "colours" in self.chart
            else None,
        }


def _number(cell):
    value = cell.value if isinstance(cell, Cell) else cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value * 100, 1) if isinstance(cell, Cell) and cell.unit == "ratio" else value


# --- French formatting --------------------------------------------------------------------------------


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
        return f"{grouped(value * 100, 1)} %"
    if unit == "change":
        sign = "+" if value > 0 else ""
        return f"{sign}{grouped(value * 100, 0)} %"
    if unit == "points":
        sign = "+" if value > 0 else ""
        return f"{sign}{grouped(value, 1)} pt"
    if unit == "days":
        return f"{grouped(value, 1)} j"
    if unit == "euros":
        return f"{grouped(value, 0)} €"
    if unit in ("fte", "number"):
        return grouped(value, 1)
    return grouped(value, 0)


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
            row += [figure.indicator.full_definition, figure.indicator.source_label]
            rows.append(row)
        tables.append(Table(f"stage_{stage.key}", stage.label, headers, rows, stage.definition))
    custom = custom_table(report)
    return [*tables, custom] if custom else tables


def custom_table(report: Report) -> Table | None:
    """The département's own indicators (toolkit p. 8), laid out as a link of the value chain."""
    if not report.custom:
        return None
    previous = report.previous_period
    headers = ["Indicateur", report.period.label.capitalize()]
    if previous:
        headers += [f"{previous.label.capitalize()} (même période n-1)", "Évolution"]
    headers += ["Définition", "Source"]
    rows = []
    for figure in report.custom:
        row = [figure.label, Cell(figure.value)]
        if previous:
            change = (
                (figure.value - figure.previous) / figure.previous
                if figure.value is not None and figure.previous
                else None
            )
            row += [Cell(figure.previous), Cell(change, "change")]
        row += [figure.definition, "Dossiers Binôme"]
        rows.append(row)
    return Table(
        "stage_custom",
        "Indicateurs du département",
        headers,
        rows,
        "Les indicateurs que le département a ajoutés à partir de ses listes de référence.",
    )


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
            _first_upper(breakdown.dimension.label.removeprefix("Par ")),
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
        if stock:  # green, orange, red: the colours people know from the pairs' list
            chart["colours"] = FOLLOW_UP_COLOURS
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


def _first_upper(text: str) -> str:
    """« mesure ASE » → « Mesure ASE » (str.capitalize would lower the rest: « Mesure ase »)."""
    return text[:1].upper() + text[1:]


# The follow-up colours' labels, drawn in the site's green, orange and red (binome.css).
FOLLOW_UP_COLOURS = {
    Colour.GREEN.label: "#1e6b34",
    Colour.ORANGE.label: "#c77700",
    Colour.RED.label: "#b3261e",
}

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
    """The obligation's funnel: each step a count and a share of the minors for whom it is due; the
    young adults (optional proposal) on their own lines."""
    if report.values.get("coverage_due") is None:
        return None
    due = report.values["coverage_due"]
    rows = [
        [
            REGISTRY[key].label,
            Cell(report.values[key]),
            Cell(report.values[key] / due if due else None, "ratio"),
        ]
        for key in COVERAGE_STEPS
    ]
    adults = report.values["young_adults_eligible"]
    rows += [
        [
            REGISTRY[key].label,
            Cell(report.values[key]),
            Cell(report.values[key] / adults if adults else None, "ratio"),
        ]
        for key in YOUNG_ADULT_STEPS
    ]
    return Table(
        "coverage",
        "Couverture de l'obligation légale : du mineur concerné au binôme lancé",
        ["Étape", "Jeunes", "Part des jeunes concernés"],
        rows,
        f"{REGISTRY['coverage_rate'].full_definition} Chaque étape compte les mineurs concernés qui l'avaient "
        "franchie au dernier jour de la période ; les jeunes majeurs, à qui le mentorat peut être proposé, "
        "sont comptés à part (part : des jeunes majeurs).",
        {"type": "bar", "columns": [1], "horizontal": True},
    )


def coverage_group_table(report: Report, field_name: str, key: str, title: str) -> Table | None:
    rows = coverage_by(report.coverage, field_name)
    if not rows:
        return None
    return Table(
        key,
        title,
        [
            title.split(" par ")[-1].capitalize(),
            "Mineurs concernés",
            "Mentorat proposé",
            "Couverture",
            "En binôme lancé",
        ],
        [
            [
                row["label"] or "Non renseigné",
                Cell(row["due"]),
                Cell(row["proposed"]),
                Cell(row["rate"], "ratio"),
                Cell(row["started"]),
            ]
            for row in rows
        ],
        "Mineurs à qui le mentorat doit être proposé, à qui il l'a été, et en binôme lancé, au dernier jour "
        "de la période.",
        {"type": "bar", "columns": [1, 2], "horizontal": True},
    )


def caseload_table(report: Report) -> Table | None:
    """An association's coordinators and their open pairs today, those above the benchmark flagged: for
    the association's own dashboard only (its staff, never a youth)."""
    if report.scope.kind != "association" or not report.caseload:
        return None
    rows = []
    for row in report.caseload:
        name = " ".join(p for p in (row["coordinator__first_name"], row["coordinator__last_name"]) if p)
        over = row["pairs"] > CASELOAD_MAX
        rows.append(
            [
                name or row["coordinator__email"],
                Cell(row["pairs"]),
                f"au-delà de {CASELOAD_MAX}" if over else "",
            ]
        )
    return Table(
        "caseload",
        "Binômes en cours par chargé·e de mentorat (à ce jour)",
        ["Chargé·e de mentorat", "Binômes en cours", "Alerte"],
        rows,
        REGISTRY["caseload_avg"].full_definition + f" Repère : 25 à {CASELOAD_MAX} binômes par chargé·e.",
        {"type": "bar", "columns": [1], "horizontal": True},
    )


NOT_DECLARED = "Non renseigné : aucune association n'a déclaré de montant pour cette période."


def _amount_rows(lines) -> list[list]:
    total = sum(float(amount) for _, amount in lines)
    return [
        [label, Cell(float(amount), "euros"), Cell(float(amount) / total if total else None, "ratio")]
        for label, amount in lines
    ]


def funding_tables(report: Report) -> list[Table]:
    """The « Financement » section: funding by funder and by sub-project, costs by category, as the
    associations declared them for the period (toolkit p. 15). None for a territory (not declared per
    territory)."""
    if report.scope.territory is not None:
        return []
    declared = report.declared
    who = f" Déclarations de : {', '.join(declared.associations)}." if declared else ""
    chart = {"type": "bar", "columns": [1], "horizontal": True}
    specs = (
        ("funding_funders", "Financements par financeur", "Financeur", "funders", "funding_total"),
        (
            "funding_sub_projects",
            "Financements par sous-projet",
            "Sous-projet",
            "sub_projects",
            "funding_total",
        ),
        ("costs_categories", "Coûts par catégorie", "Catégorie", "costs", "costs_total"),
    )
    return [
        Table(
            key,
            title,
            [label, "Montant", "Part"],
            _amount_rows(getattr(declared, lines) if declared else []),
            REGISTRY[indicator].full_definition + who,
            chart,
            empty=NOT_DECLARED,
        )
        for key, title, label, lines, indicator in specs
    ]


def all_tables(report: Report) -> list[Table]:
    """Every table of the dashboard, in the page's order."""
    tables = indicator_tables(report)
    tables += [
        t
        for t in (
            trend_table(report),
            association_table(report),
            coverage_table(report),
            coverage_group_table(
                report, "ase_service__name", "coverage_service", "Couverture par service ASE"
            ),
            coverage_group_table(
                report, "territory__name", "coverage_territory", "Couverture par territoire"
            ),
            caseload_table(report),
        )
        if t
    ]
    tables += funding_tables(report)
    tables += breakdown_tables(report)
    return tables


def table_keys() -> set[str]:
    """The keys a table download may ask for."""
    keys = {f"stage_{s.key}" for s in STAGES} | {f"breakdown_{d.key}" for d in DIMENSIONS} | {"stage_custom"}
    return keys | {
        "trend",
        "associations",
        "coverage",
        "coverage_service",
        "coverage_territory",
        "caseload",
        "funding_funders",
        "funding_sub_projects",
        "costs_categories",
    }


PAST = "sans objet (état du jour, période terminée)"


def summary_rows(report: Report) -> list[list]:
    """The Synthèse tab: every indicator with its stage."""
    rows = []
    stage_labels = {s.key: s.label for s in STAGES}
    for indicator in report.indicators():
        figure = report.figure(indicator.key)
        if indicator.period == "today" and report.ended:
            rows.append(
                [stage_labels[indicator.stage], indicator.label, PAST, PAST, indicator.full_definition]
            )
            continue
        rows.append(
            [
                stage_labels[indicator.stage],
                indicator.label,
                Cell(figure.value, indicator.unit, _missing(indicator)),
                Cell(figure.previous, indicator.unit, _missing(indicator))
                if indicator.comparable
                else "sans objet",
                indicator.full_definition,
            ]
        )
    for figure in report.custom:
        previous = Cell(figure.previous) if report.previous_period else "sans objet"
        rows.append([CUSTOM_STAGE, figure.label, Cell(figure.value), previous, figure.definition])
    return rows


CUSTOM_STAGE = "Indicateurs du département"


@dataclass
class KeyFigure:
    label: str
    value: str
    previous: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def key_figures(report: Report) -> list[KeyFigure]:
    """The four figures at the top of the page."""
    keys = ["youths_mentored", "pairs_new", "delay_referral_to_first_meeting_avg", "coverage_rate"]
    if report.scope.kind == "association":
        keys[-1] = "pairs_closed"
    result = []
    for key in [k for k in keys if k not in report.hidden]:
        figure = report.figure(key)
        unit = figure.indicator.unit
        previous = ""
        if report.previous_period and figure.indicator.comparable:
            previous = f"{display(Cell(figure.previous, unit))} en {report.previous_period.label}"
        value = display(Cell(figure.value, unit, _missing(figure.indicator)))
        result.append(KeyFigure(figure.indicator.label, value, previous))
    return result


# --- The national roll-up -----------------------------------------------------------------------------

NATIONAL_COLUMNS = [key for key, _label in SUMMARY_COLUMNS] + [
    "coverage_due",
    "coverage_proposed",
    "coverage_rate",
]
NATIONAL_TOTAL = "Total France entière"
PAIR_COUNTS = ("youths_mentored", "pairs_followed", "pairs_new", "pairs_renewed", "pairs_closed")
SUMMED = (*PAIR_COUNTS, "coverage_due", "coverage_proposed")


def national_rows(period: Period) -> list[dict]:
    """`summaries.national_rollup`, plus the départements it leaves out because none of their pairs
    touches the period: their pairs count zero, and their minors still count for coverage (one grouped
    query, with the roll-up's definition)."""
    rows = national_rollup(period)
    seen = [row["departement__insee_code"] for row in rows if row["departement__insee_code"] is not None]
    missing = list(
        Organisation.objects.departements().exclude(insee_code__in=seen).values("pk", "insee_code", "name")
    )
    if missing:
        coverage = coverage_by_departement(
            Youth.objects.filter(departement__in=[d["pk"] for d in missing]), period, "departement"
        )
        for departement in missing:
            cov = coverage.get(departement["pk"], {})
            rows.append(
                {
                    "departement__insee_code": departement["insee_code"],
                    "departement__name": departement["name"],
                    **dict.fromkeys(PAIR_COUNTS, 0),
                    DELAY: None,
                    "coverage_due": cov.get("due", 0),
                    "coverage_proposed": cov.get("proposed", 0),
                    "coverage_rate": ratio(cov.get("proposed", 0), cov.get("due", 0)),
                }
            )
    rows.sort(key=lambda row: (row["departement__insee_code"] or "", row["departement__name"] or ""))
    return rows


def national_total(rows: list[dict], period: Period) -> dict:
    """France entière: the sum of the départements' rows, and the average delay over every pair of the
    country (the indicator's own definition at the national scope, not an average of averages)."""
    total = {key: sum(row[key] for row in rows) for key in SUMMED}
    total[DELAY] = pair_figures(Scope(), [period])[0][DELAY]
    total["coverage_rate"] = ratio(total["coverage_proposed"], total["coverage_due"])
    return total


def national_table(period: Period) -> Table:
    """Every département side by side, the total last (the page shows it apart, in the table's foot)."""
    rows = national_rows(period)

    def line(label, row):
        return [label, *(Cell(row[key], REGISTRY[key].unit) for key in NATIONAL_COLUMNS)]

    body = [line(f"{row['departement__insee_code']} — {row['departement__name']}", row) for row in rows]
    return Table(
        "national",
        "Vue nationale — chaque département",
        ["Département", *(REGISTRY[key].label for key in NATIONAL_COLUMNS)],
        [*body, line(NATIONAL_TOTAL, national_total(rows, period))],
        "Binômes et jeunes accompagnés pendant la période, couverture de l'obligation légale au dernier "
        "jour de la période, département par département. Chiffres agrégés, sans aucun nom.",
    )


def national_definitions() -> list[tuple[str, str]]:
    """Each column's label and definition, from the indicators' registry."""
    return [(REGISTRY[key].label, REGISTRY[key].full_definition) for key in NATIONAL_COLUMNS]


def with_definitions(table: Table) -> Table:
    """The table for a spreadsheet: its rows, an empty row (Excel's sorting and filters stop there),
    then what each column counts, so the file still explains itself away from the page."""
    notes = [[], ["Définitions"]] + [[label, definition] for label, definition in national_definitions()]
    return replace(table, rows=table.rows + notes)
