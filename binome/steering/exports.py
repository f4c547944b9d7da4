"""Excel files: any table of the dashboard, and the département's tableau de pilotage with the five tabs
of the toolkit's model (Explications, Synthèse des résultats, Tableau de bord, Données, Paramètres
figés) and a sixth, Financement (funding by funder and sub-project, costs by category, as declared).

Workbooks are written with openpyxl's write-only mode (rows go to disk as they are produced, so a large
Données tab does not sit in memory), every text cell is neutralised (`= + - @`), and the Données tab
carries pseudonyms, never names or birth dates.
"""

import datetime
import re
import tempfile

from django.db.models import Count, F, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from binome.mentorships.models import (
    ClosureCategory,
    ClosureReason,
    Colour,
    Meeting,
    MeetingModality,
    MeetingStatus,
    MentorshipState,
    ObjectivesReached,
)
from binome.references.models import ReferenceItem, ReferenceKind
from binome.steering.periods import Period
from binome.steering.pseudonyms import Pseudonymiser
from binome.steering.registry import STAGES
from binome.steering.report import build_report
from binome.steering.scope import Scope
from binome.steering.sql import followed_in
from binome.steering.tables import (
    CUSTOM_STAGE,
    Cell,
    Table,
    all_tables,
    association_table,
    funding_tables,
    summary_rows,
)
from binome.territories.models import Territory
from binome.utils.choices import Gender, Modality
from binome.utils.dates import age_on
from binome.utils.spreadsheets import neutralise
from binome.utils.steering_rules import AGE_BANDS, ORIGINS, age_band
from binome.youths.models import Youth

SHEETS = (
    "Explications",
    "Synthèse des résultats",
    "Tableau de bord",
    "Données",
    "Paramètres figés",
    "Financement",
)
NUMBER_FORMATS = {
    "count": "#,##0",
    "days": "0.0",
    "ratio": "0.0%",
    "euros": '#,##0 "€"',
    "fte": "0.0",
    "number": "0.0",
    "change": "+0%;-0%;0%",
    "points": '+0.0" pt";-0.0" pt";0" pt"',
    "date": "DD/MM/YYYY",
}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")


# --- Cells -----------------------------------------------------------------------------------------------


def _cell(sheet, value, *, unit=None, font=None, fill=None, wrap=False):
    if isinstance(value, Cell):
        # An unknown figure reads as such (« non renseigné », « — »): never an empty cell, never a 0.
        value, unit = (value.value, value.unit) if value.value is not None else (value.missing, None)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        unit = "date"
    if isinstance(value, bool):
        value = "oui" if value else "non"
    cell = WriteOnlyCell(sheet, value=neutralise(value))
    if unit in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[unit]
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if wrap:
        cell.alignment = WRAP
    return cell


def _header(sheet, labels):
    sheet.append([_cell(sheet, label, font=BOLD, fill=HEADER_FILL, wrap=True) for label in labels])


def _row(sheet, values, wrap_from: int | None = None):
    sheet.append(
        [_cell(sheet, v, wrap=wrap_from is not None and i >= wrap_from) for i, v in enumerate(values)]
    )


def _widths(sheet, widths):
    for index, width in enumerate(widths):
        sheet.column_dimensions[_letter(index + 1)].width = width


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def sheet_title(text: str) -> str:
    """Excel refuses : \\ / ? * [ ] in a sheet name, and more than 31 characters."""
    return re.sub(r"[:\\/?*\[\]]", " ", text)[:31].strip() or "Tableau"


# --- One table -------------------------------------------------------------------------------------------


def write_table(fileobj, table: Table, *, context: str) -> None:
    """One dashboard table as a workbook: a title, what the figures cover, the table itself."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(table.title))
    _widths(sheet, [44] + [18] * (len(table.headers) - 1))
    sheet.append([_cell(sheet, table.title, font=TITLE)])
    sheet.append([_cell(sheet, context)])
    if table.description:
        sheet.append([_cell(sheet, table.description)])
    sheet.append([])
    _header(sheet, table.headers)
    for row in table.rows:
        _row(sheet, row, wrap_from=len(table.headers) - 2 if table.key.startswith("stage_") else None)
    workbook.save(fileobj)


def table_file(table: Table, *, context: str):
    """A temporary file holding the workbook, positioned at its start (for a streamed response)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    write_table(handle, table, context=context)
    handle.seek(0)
    return handle


# --- The tableau de pilotage -----------------------------------------------------------------------------


def write_steering_workbook(fileobj, *, departement, period: Period, generated_at=None) -> None:
    """The département's tableau de pilotage for a period: the five tabs of the toolkit's model, then
    Financement."""
    generated_at = generated_at or timezone.now()
    scope = Scope(departement=departement)
    report = build_report(scope, period)
    workbook = Workbook(write_only=True)
    context = f"{departement} — {period.label} (comparaison : {period.last_year().label})"
    _explanations(workbook.create_sheet(SHEETS[0]), departement, period, generated_at, report)
    _synthesis(workbook.create_sheet(SHEETS[1]), report, context)
    _dashboard(workbook.create_sheet(SHEETS[2]), report, context)
    _data(workbook.create_sheet(SHEETS[3]), scope, period)
    _parameters(workbook.create_sheet(SHEETS[4]), departement)
    _funding(workbook.create_sheet(SHEETS[5]), report, context)
    workbook.save(fileobj)


def steering_file(*, departement, period: Period):
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    write_steering_workbook(handle, departement=departement, period=period)
    handle.seek(0)
    return handle


def _explanations(sheet, departement, period, generated_at, report):
    _widths(sheet, [28, 48, 90, 34, 40, 40, 34, 50])
    local = timezone.localtime(generated_at)
    lines = [
        [_cell(sheet, "Tableau de pilotage du mentorat", font=TITLE)],
        [f"Département : {departement}"],
        [f"Période : {period.label} (du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y})"],
        [f"Produit par Binôme le {local:%d/%m/%Y à %H:%M}, à partir des données saisies sur la plateforme."],
        [],
        [_cell(sheet, "Les onglets", font=BOLD)],
        ["Explications", "Ce mode d'emploi, et la définition de chaque indicateur (ci-dessous)."],
        [
            "Synthèse des résultats",
            "Chaque indicateur de la chaîne de valeur (Ressources, Activités, Réalisations, Résultats, "
            "Impact) pour la période et pour la même période l'an dernier, puis la synthèse par association.",
        ],
        [
            "Tableau de bord",
            "Les graphiques (évolution sur 12 mois, répartitions des jeunes accompagnés, couverture de "
            "l'obligation légale), chacun à côté du tableau de ses données.",
        ],
        [
            "Données",
            "Une ligne par binôme suivi pendant la période, pseudonymisée : ni nom ni date de naissance ; "
            "les identifiants sont des pseudonymes stables d'un export à l'autre (empreinte à clé). Les "
            "binômes que les associations importent de leur propre outil y figurent aussi (colonne "
            "« Source ») : leur date de début tient lieu de date de validation, leur âge vient de l'année "
            "de naissance (anniversaire compté au 1er juillet), leur motif de fin est rangé sous le motif "
            "de même sens.",
        ],
        [
            "Paramètres figés",
            "Les listes de référence utilisées (niveaux scolaires, mesures, objectifs, motifs…).",
        ],
        [
            "Financement",
            "Les financements déclarés par les associations, par financeur et par sous-projet, et leurs "
            "coûts par catégorie (personnel, locaux, communication, transports, autres).",
        ],
        [],
        [
            _cell(
                sheet,
                "Les chiffres sont calculés par la plateforme, sauf ceux marqués « Déclaré par les "
                "associations », issus du suivi mensuel. « non renseigné » : aucune donnée pour la période.",
            )
        ],
        [],
        [_cell(sheet, "Définitions des indicateurs", font=BOLD)],
    ]
    for line in lines:
        sheet.append(
            [c if isinstance(c, SheetCell) else _cell(sheet, c, wrap=i > 0) for i, c in enumerate(line)]
        )
    _header(
        sheet,
        [
            "Chaîne de valeur",
            "Indicateur",
            "Définition",
            "Source",
            "Numérateur",
            "Dénominateur",
            "Période",
            "Référence",
        ],
    )
    stage_labels = {s.key: s.label for s in STAGES}
    for indicator in report.indicators():
        _row(
            sheet,
            [
                stage_labels[indicator.stage],
                indicator.label,
                indicator.full_definition,
                indicator.source_label,
                indicator.numerator,
                indicator.denominator or "—",
                indicator.period_label,
                indicator.reference,
            ],
            wrap_from=1,
        )
    for figure in report.custom:
        _row(
            sheet,
            [
                CUSTOM_STAGE,
                figure.label,
                figure.definition,
                "Dossiers Binôme",
                figure.label,
                "—",
                "Flux : ce qui s'est passé pendant la période",
                "Boîte à outils « Suivi et pilotage », p. 8 (adaptation par le département)",
            ],
            wrap_from=1,
        )


def _synthesis(sheet, report, context):
    _widths(sheet, [16, 46, 18, 26, 90])
    sheet.append([_cell(sheet, "Synthèse des résultats", font=TITLE)])
    sheet.append([_cell(sheet, context)])
    if report.corrections:
        sheet.append([_cell(sheet, report.corrections_text, font=BOLD)])
    sheet.append([])
    _header(
        sheet,
        [
            "Chaîne de valeur",
            "Indicateur",
            report.period.label.capitalize(),
            f"{report.previous_period.label.capitalize()} (n-1)",
            "Définition",
        ],
    )
    for row in summary_rows(report):
        _row(sheet, row, wrap_from=4)
    table = association_table(report)
    if table and table.rows:
        sheet.append([])
        sheet.append([_cell(sheet, table.title, font=BOLD)])
        _header(sheet, table.headers)
        for row in table.rows:
            _row(sheet, row)


def _funding(sheet, report, context):
    """Funding by funder and by sub-project, costs by category, as the associations declared them."""
    _widths(sheet, [44, 18, 12])
    sheet.append([_cell(sheet, "Financement", font=TITLE)])
    sheet.append([_cell(sheet, context)])
    sheet.append([_cell(sheet, "Montants déclarés par les associations dans leur suivi mensuel.")])
    for table in funding_tables(report):
        sheet.append([])
        sheet.append([_cell(sheet, table.title, font=BOLD)])
        sheet.append([_cell(sheet, table.description)])
        _header(sheet, table.headers)
        if not table.rows:
            sheet.append([_cell(sheet, table.empty)])
        for row in table.rows:
            _row(sheet, row)


CHARTS = {
    "trend": (LineChart, "Binômes par mois"),
    "associations": None,
    "coverage": (BarChart, "Couverture de l'obligation légale"),
    "breakdown_association": (BarChart, "Jeunes accompagnés par association"),
    "breakdown_territory": (BarChart, "Jeunes accompagnés par territoire"),
    "breakdown_age": (BarChart, "Jeunes accompagnés par âge"),
    "breakdown_gender": (PieChart, "Jeunes accompagnés par genre"),
    "breakdown_school_level": (BarChart, "Jeunes accompagnés par niveau scolaire"),
    "breakdown_care_measure": (BarChart, "Jeunes accompagnés par mesure ASE"),
    "breakdown_origin": (PieChart, "Nouveaux, reconduits, poursuivis"),
    "breakdown_modality": (BarChart, "Présentiel ou distanciel"),
    "breakdown_objective": (BarChart, "Jeunes accompagnés par objectif"),
    "breakdown_closure_reason": (BarChart, "Binômes clôturés par motif"),
    "breakdown_colour": (PieChart, "Binômes en cours par couleur de suivi"),
}
BLOCK_ROWS = 20
# States of today, without history: left out of the export of a period that has ended.
TODAY_TABLES = ("breakdown_colour", "caseload")  # a chart is about 15 rows high


def _dashboard(sheet, report, context):
    """Each chart's data written in columns A–D, the native Excel chart anchored beside it."""
    _widths(sheet, [40, 16, 16, 16])
    sheet.append([_cell(sheet, "Tableau de bord", font=TITLE)])
    sheet.append([_cell(sheet, context)])
    row_number = 2
    for table in all_tables(report):
        if report.ended and table.key in TODAY_TABLES:
            continue
        spec = CHARTS.get(table.key)
        if not spec or not table.rows or not table.chart:
            continue
        chart_class, title = spec
        sheet.append([])
        sheet.append([_cell(sheet, table.title, font=BOLD)])
        columns = table.chart.get("columns", [1])
        header_row = row_number + 3
        _header(sheet, [table.headers[0]] + [table.headers[c] for c in columns])
        for row in table.rows:
            _row(sheet, [row[0]] + [row[c] for c in columns])
        last_row = header_row + len(table.rows)
        chart = chart_class()
        chart.title = title
        if chart_class is PieChart:
            columns = columns[:1]  # one series: this period
        data = Reference(sheet, min_col=2, max_col=1 + len(columns), min_row=header_row, max_row=last_row)
        labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        chart.width, chart.height = 18, 7.5
        if chart_class is BarChart and table.chart.get("horizontal"):
            chart.type = "bar"
        sheet.add_chart(chart, f"F{header_row}")
        padding = max(0, BLOCK_ROWS - len(table.rows) - 3)
        for _ in range(padding):
            sheet.append([])
        row_number = last_row + padding


DATA_HEADERS = [
    "Binôme (pseudonyme)",
    "Jeune (pseudonyme)",
    "Mentor (pseudonyme)",
    "Association",
    "Territoire",
    "Âge à la fin de la période",
    "Tranche d'âge",
    "Genre",
    "Niveau scolaire",
    "Mesure ASE",
    "Modalité souhaitée",
    "Objectifs",
    "Reconduction",
    "Orientation acceptée le",
    "Binôme validé le",
    "Binôme démarré le",
    "Binôme clôturé le",
    "État",
    "Validé pendant la période",
    "Clôturé pendant la période",
    "Délai de mise en relation (jours)",
    "Durée à la fin de la période (jours)",
    "Rencontres en présentiel",
    "Rencontres à distance",
    "Suivi aujourd'hui",
    "Type de fin",
    "Motif de fin",
    "Objectifs atteints",
    "Source",
]
SOURCE_BINOME, SOURCE_IMPORT = "Binôme", "Import association"
DATA_FIELDS = (
    "pk",
    "youth_id",
    "mentor_id",
    "association__name",
    "youth__territory__name",
    "youth__birth_date",
    "youth__gender",
    "youth__school_level__label",
    "youth__care_measure__label",
    "youth__modality",
    "is_renewal",
    "referral_accepted_at",
    "validated_at",
    "started_at",
    "ended_at",
    "state",
    "meetings_in_person",
    "meetings_remote",
    "colour",
    "closure_category",
    "closure_reason",
    "objectives_reached",
)


def as_of_end(youth_ids, period: Period) -> dict:
    """{youth id: (school level label, care measure label, territory name)} as the youth's record stood on
    the period's last day: its latest history row before the period's end (django-simple-history keeps
    every change). A youth without such a row (loaded in bulk without history) keeps today's values.
    One query for the history rows, one for the labels."""
    rows = (
        Youth.history.filter(id__in=youth_ids, history_date__lt=period.end_before)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "school_level_id", "care_measure_id", "territory_id")
    )
    latest: dict = {}
    for youth_id, school_level, care_measure, territory in rows.iterator(chunk_size=5000):
        latest.setdefault(youth_id, (school_level, care_measure, territory))
    items = {i for values in latest.values() for i in values[:2] if i}
    labels = dict(ReferenceItem.objects.filter(pk__in=items).values_list("pk", "label"))
    territories = {t for values in latest.values() for t in values[2:] if t}
    names = dict(Territory.objects.filter(pk__in=territories).values_list("pk", "name"))
    return {
        youth_id: (labels.get(school, ""), labels.get(measure, ""), names.get(territory, ""))
        for youth_id, (school, measure, territory) in latest.items()
    }


def meetings_by_pair(pairs, period: Period) -> dict:
    """{pair id: (in person, remote)}: the meetings held up to the period's last day, counted from the
    meetings themselves (the pair's running totals are today's)."""
    rows = (
        Meeting.objects.filter(
            mentorship__in=pairs.values("pk"), status=MeetingStatus.HELD, at__lt=period.end_before
        )
        .values("mentorship")
        .annotate(
            in_person=Count("pk", filter=~Q(modality=MeetingModality.REMOTE)),
            remote=Count("pk", filter=Q(modality=MeetingModality.REMOTE)),
        )
        .order_by()
    )
    return {row["mentorship"]: (row["in_person"], row["remote"]) for row in rows}


def state_at_end(record, period: Period) -> str:
    """The pair's state on the period's last day, from its dates."""
    if record["ended_at"] is not None and record["ended_at"] <= period.end:
        return MentorshipState.CLOSED.label
    if record["started_at"] is not None and record["started_at"] <= period.end:
        return MentorshipState.ACTIVE.label
    return MentorshipState.AGREEMENT.label


PAST_COLOUR = "sans objet (période terminée)"


def data_rows(scope: Scope, period: Period, today: datetime.date | None = None):
    """The Données tab: one row per pair followed during the period, pseudonymised, then one per pair
    imported from an association's CRM (`imported_data_rows`), each as it stood on the period's last day:
    a closure, a meeting, a school level or a care measure dated later does not show, so that exporting
    a past month today or in a year gives the same rows. The follow-up colour is today's: shown only
    while the period runs. A fixed number of queries, whatever the number of rows."""
    today = today or timezone.localdate()
    pairs = scope.pairs().filter(followed_in(period)).order_by("validated_at", "pk")
    objectives: dict = {}
    through = Youth.objectives.through.objects.filter(youth__in=pairs.values("youth")).order_by(
        F("referenceitem__position"), "referenceitem__label"
    )
    for youth_id, label in through.values_list("youth_id", "referenceitem__label"):
        objectives.setdefault(youth_id, []).append(label)
    then = as_of_end(pairs.values("youth"), period)
    meetings = meetings_by_pair(pairs, period)
    pseudonym = Pseudonymiser()
    genders, modalities = dict(Gender.choices), dict(Modality.choices)
    bands = dict(AGE_BANDS)
    labels = {
        "colour": dict(Colour.choices),
        "category": dict(ClosureCategory.choices),
        "reason": dict(ClosureReason.choices),
        "reached": dict(ObjectivesReached.choices),
    }
    running = period.end >= today
    for values in pairs.values_list(*DATA_FIELDS).iterator(chunk_size=2000):
        record = dict(zip(DATA_FIELDS, values, strict=True))
        age = age_on(record["youth__birth_date"], period.end)
        validated_on = timezone.localdate(record["validated_at"])
        accepted = record["referral_accepted_at"]
        began = record["started_at"] or validated_on
        closed = record["ended_at"] is not None and record["ended_at"] <= period.end
        until = record["ended_at"] if closed else period.end
        school, measure, territory = then.get(
            record["youth_id"],
            (
                record["youth__school_level__label"] or "",
                record["youth__care_measure__label"] or "",
                record["youth__territory__name"] or "",
            ),
        )
        in_person, remote = meetings.get(record["pk"], (0, 0))
        yield [
            pseudonym("mentorship", record["pk"]),
            pseudonym("youth", record["youth_id"]),
            pseudonym("mentor", record["mentor_id"]),
            record["association__name"],
            territory,
            age,
            bands[age_band(age)],
            genders.get(record["youth__gender"], ""),
            school,
            measure,
            modalities.get(record["youth__modality"], ""),
            ", ".join(objectives.get(record["youth_id"], [])),
            record["is_renewal"],
            accepted,
            record["validated_at"],
            record["started_at"],
            record["ended_at"] if closed else None,
            state_at_end(record, period),
            period.start <= validated_on <= period.end,
            closed and period.start <= record["ended_at"],
            Cell(round((record["validated_at"] - accepted).total_seconds() / 86400, 1), "days")
            if accepted
            else None,
            max(0, (until - began).days),
            in_person,
            remote,
            labels["colour"].get(record["colour"], "") if running else PAST_COLOUR,
            labels["category"].get(record["closure_category"], "") if closed else "",
            labels["reason"].get(record["closure_reason"], "") if closed else "",
            labels["reached"].get(record["objectives_reached"], "") if closed else "",
            SOURCE_BINOME,
        ]
    yield from imported_data_rows(scope, period, pseudonym)


def imported_data_rows(scope: Scope, period: Period, pseudonym=None):
    """The imported pairs followed during the period, in the columns of the Binôme pairs. Their
    identifiers are the association's own: each is pseudonymised like the others, keyed on the
    association and the identifier (the same youth keeps its pseudonym from one export to the next),
    never written in clear. Their start date stands for the validation date; their age comes from the
    birth year (`imported_age`: birthday assumed on 1 July); their closure reason reads as on the
    dashboards (`imported_closure`); no referral dates, hence no time to match."""
    from binome.reporting.figures import (
        REPORTED_STATES,
        ReportedPairState,
        imported_age,
        imported_closure,
        reported_pair_rows,
    )

    pseudonym = pseudonym or Pseudonymiser()
    genders, modalities, bands = dict(Gender.choices), dict(Modality.choices), dict(AGE_BANDS)
    reached = {True: ObjectivesReached.YES.label, False: ObjectivesReached.NO.label}

    def key(record, field):
        return f"import:{record['association_id']}:{record[field]}" if record[field] else None

    for record in reported_pair_rows(scope, period):
        age = imported_age(record["birth_year"], period.end)
        started, ended = record["started_on"], record["ended_on"]
        if ended is not None and ended > period.end:  # not yet closed on the period's last day
            ended = None
        _code, category, reason = imported_closure(record["closure_reason"] if ended else "")
        yield [
            pseudonym("mentorship", key(record, "external_id")),
            pseudonym("youth", key(record, "youth_external_id")),
            pseudonym("mentor", key(record, "mentor_external_id")),
            record["association__name"],
            record["territory__name"] or "",
            age,
            bands[age_band(age)],
            genders.get(record["gender"], ""),
            record["school_level__label"] or "",
            record["care_measure__label"] or "",
            modalities.get(record["modality"], ""),
            record["objective__label"] or "",
            record["is_renewal"],
            None,  # no referral: the association found the youth itself
            started,
            started,
            ended,
            REPORTED_STATES[ReportedPairState.CLOSED if ended else ReportedPairState.ACTIVE],
            period.start <= started <= period.end,
            ended is not None and period.start <= ended <= period.end,
            None,
            max(0, (min(ended or period.end, period.end) - started).days),
            record["meetings_in_person"],
            record["meetings_remote"],
            "",  # no follow-up colour outside Binôme
            category,
            reason,
            reached.get(record["objective_reached"], "") if ended else "",
            SOURCE_IMPORT,
        ]


def _data(sheet, scope, period):
    _widths(
        sheet,
        [
            22,
            22,
            22,
            30,
            22,
            10,
            14,
            16,
            24,
            30,
            16,
            40,
            12,
            14,
            14,
            14,
            14,
            16,
            12,
            12,
            14,
            14,
            12,
            12,
            14,
            22,
            36,
            14,
            18,
        ],
    )
    _header(sheet, DATA_HEADERS)
    for row in data_rows(scope, period):
        _row(sheet, row)


def _parameters(sheet, departement):
    _widths(sheet, [36, 28, 60, 14])
    sheet.append([_cell(sheet, "Paramètres figés", font=TITLE)])
    sheet.append(
        [_cell(sheet, f"Listes de référence de {departement} et listes nationales de la plateforme.")]
    )
    sheet.append([])
    _header(sheet, ["Liste", "Code", "Libellé", "Proposé dans les formulaires"])
    kinds = dict(ReferenceKind.choices)
    items = ReferenceItem.objects.filter(departement=departement).order_by("kind", "position", "label")
    for item in items:
        _row(sheet, [kinds.get(item.kind, item.kind), item.code, item.label, item.is_active])
    fixed = [
        ("Genres", Gender.choices),
        ("Modalités", Modality.choices),
        ("États d'un binôme", MentorshipState.choices),
        ("Couleurs du suivi", Colour.choices),
        ("Types de fin", ClosureCategory.choices),
        ("Motifs de fin", ClosureReason.choices),
        ("Objectifs atteints", ObjectivesReached.choices),
        ("Modalités des rencontres", MeetingModality.choices),
        ("Tranches d'âge", AGE_BANDS),
        ("Origine du binôme", ORIGINS),
        ("Chaîne de valeur", [(s.key, s.label) for s in STAGES]),
    ]
    for name, choices in fixed:
        for code, label in choices:
            _row(sheet, [name, code, label, True])
