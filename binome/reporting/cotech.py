"""The Cotech pack: one PDF for the département's monthly technical committee with its associations,
following the agenda of the toolkit (« Suivi et pilotage »):

  i.   figures and profiles of the youths (key indicators, charts);
  ii.  upcoming presentations to ASE staff and establishments;
  iii. difficulties and blockages (noted by the associations, blocked files, late reports);
  iv.  next steps (noted by the associations, upcoming deadlines).

Aggregates only: no youth is named (blocked files are counted by reason). Key figures come from the
steering engine, registered in `reporting.engine` (reporting never imports steering); charts are
inline SVG drawn here, since WeasyPrint runs no JavaScript.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from binome.conventions.models import Convention
from binome.reporting import engine
from binome.reporting.funding import declared_lines
from binome.reporting.models import AssociationReport, ReportedPair, ReportingPeriod, ReportRevision
from binome.utils.pdf import render_pdf

logger = logging.getLogger(__name__)

KEY_FIGURES = (
    "coverage_due",
    "coverage_proposed",
    "coverage_rate",
    "coverage_started",
    "young_adults_eligible",
    "young_adults_proposed",
    "referrals_submitted",
    "referrals_accepted",
    "youths_mentored",
    "pairs_followed",
    "pairs_to_sign_end",
    "pairs_signed_not_launched_end",
    "pairs_new",
    "pairs_renewed",
    "pairs_closed",
    "delay_referral_to_acceptance_avg",
    "time_to_match_avg",
    "delay_referral_to_first_meeting_avg",
    "delay_referral_to_first_meeting_median",
    "pairs_objective_reached",
    "pairs_objective_mostly",
    "pairs_objective_partly",
    "pairs_objective_not_reached",
    "mentors_in_pair",
    "fte_staff",
    "fte_volunteers",
    "pairs_per_staff_fte",
    "funding_total",
    "costs_total",
    "cost_staff_share",
    "cost_months",
    "cost_per_pair_year",
    "ase_structures_met",
    "workshops",
    "satisfaction_youth",
    "satisfaction_mentor",
)


# --- Charts ---------------------------------------------------------------------------------------------


# A4 less the page margins (15 mm each side) is 180 mm, about 680 CSS pixels: charts take it all.
CHART_WIDTH = 680
LABEL_WIDTH = 300  # the longest reference labels (« Placement judiciaire (assistance éducative) ») fit
VALUE_WIDTH = 80
LABEL_CHARS = 58


def bar_chart(items, *, title: str, unit=("", ""), width: int = CHART_WIDTH, bar: int = 16) -> str:
    """A horizontal bar chart as inline SVG: a label, a bar and its value per line. `unit` is
    (singular, plural), e.g. ("jeune", "jeunes"): « 1 jeune », « 12 jeunes »."""
    items = [(str(label), value or 0) for label, value in items]
    gap = 6
    height = max(1, len(items)) * (bar + gap) + 8
    top = max((value for _, value in items), default=0) or 1
    scale = (width - LABEL_WIDTH - VALUE_WIDTH) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * (bar + gap)
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        length = max(0.0, float(value) * scale)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + bar - 4}" text-anchor="end" font-size="9" fill="#222">'
            f"{escape(shown)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{bar}" fill="#1f4e79"/>'
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + bar - 4}" font-size="9" fill="#222">'
            f"{escape(_with_unit(value, unit))}</text>"
        )
    if not items:
        parts.append(f'<text x="0" y="{bar}" font-size="9" fill="#555">Aucune donnée</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _with_unit(value, unit) -> str:
    singular, plural = unit
    word = singular if isinstance(value, (int, float)) and abs(value) < 2 else plural
    return f"{_number(value)} {word}".rstrip()


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, 1)
    return formats.number_format(value, 0) if isinstance(value, (int, float)) else str(value)


def format_figure(value, unit: str) -> str:
    if value is None:
        return "non renseigné"
    if unit == "ratio":
        return f"{formats.number_format(float(value) * 100, 0)} %"
    if unit == "days":
        days = value.total_seconds() / 86400 if hasattr(value, "total_seconds") else float(value)
        return f"{formats.number_format(days, 0)} jours"
    if unit == "euros":
        return f"{formats.number_format(float(value), 0, force_grouping=True)} €"
    if unit in ("fte", "number"):
        return formats.number_format(float(value), 1)
    return formats.number_format(value, 0, force_grouping=True)


# --- Content -------------------------------------------------------------------------------------------


@dataclass
class KeyFigure:
    label: str
    definition: str
    value: str
    previous: str | None


def key_figures(period: ReportingPeriod):
    """(key figures, per-association rows, profile breakdowns, quarterly note) from the steering
    engine (registered as "cotech_figures", see `reporting.engine`), with the same month one year
    earlier. Empty on failure: the pack is still produced, saying so."""
    try:
        engine_figures = engine.call("cotech_figures", period)
    except Exception:  # the engine is shared work; the committee still gets the rest of its pack
        logger.exception("steering indicators unavailable for the Cotech pack")
        engine_figures = None
    if engine_figures is None:
        return None, [], [], None
    values, previous, registry = (
        engine_figures["values"],
        engine_figures["previous"],
        engine_figures["registry"],
    )
    figures = []
    for key in KEY_FIGURES:
        indicator = registry.get(key)
        if indicator is None:
            continue
        figures.append(
            KeyFigure(
                indicator.label,
                indicator.full_definition,
                format_figure(values.get(key), indicator.unit),
                format_figure(previous.get(key), indicator.unit) if indicator.comparable else None,
            )
        )
    for own in engine_figures.get("custom", []):  # the département's own indicators
        figures.append(
            KeyFigure(
                own.label,
                own.definition,
                format_figure(own.value, "count"),
                format_figure(own.previous, "count"),
            )
        )
    return (
        figures,
        engine_figures["per_association"],
        engine_figures["profiles"],
        engine_figures["quarterly_note"],
    )


def imported_pairs_by_association(period: ReportingPeriod) -> dict[str, int]:
    """Pairs imported from the associations' own CRMs and followed during the month."""
    followed = Q(started_on__lte=period.month_end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.month)
    )
    rows = (
        ReportedPair.objects.filter(followed, departement=period.departement)
        .values("association__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["association__name"]: row["n"] for row in rows}


def cotech_context(period: ReportingPeriod, today: datetime.date | None = None) -> dict:
    from binome.youths.queries import BLOCKED_KINDS, blocked_files

    today = today or timezone.localdate()
    departement = period.departement
    figures, per_association, profiles, quarterly = key_figures(period)

    imported = imported_pairs_by_association(period)
    # The engine's per-association rows include the imported pairs: keep the platform's share apart.
    pairs = {
        row["association__name"]: row["pairs_followed"] - row.get("imported_pairs_followed", 0)
        for row in per_association
    }
    associations = sorted(set(pairs) | set(imported))
    pairs_chart = bar_chart(
        [(name, pairs.get(name, 0) + imported.get(name, 0)) for name in associations],
        title="Binômes suivis pendant le mois, par association",
        unit=("binôme", "binômes"),
    )
    profile_charts = [
        (
            title,
            bar_chart(
                [(label, value) for label, value, *_ in b.rows],
                title=f"Jeunes accompagnés — {title}",
                unit=("jeune", "jeunes"),
            ),
        )
        for b in profiles
        if b.rows
        # « par mesure ASE », not « par mesure ase »: only the first letter is lowered.
        for title in [b.dimension.label[:1].lower() + b.dimension.label[1:]]
    ]

    revisions = list(
        ReportRevision.objects.current()
        .filter(report__period=period)
        .select_related("report__association", "report__period")
        .order_by("report__association__name")
    )
    reports = list(period.reports.select_related("association").order_by("association__name"))
    # A quarterly report (filed with the quarter's last month) declares the three months: said so.
    declared = [
        (
            r.report.association.name + (" (trimestre)" if r.report.is_quarterly else ""),
            r.ase_structures_contacted or 0,
            r.ase_structures_met or 0,
        )
        for r in revisions
    ]
    # One association alone: its bar would say no more than the table under it.
    structures_chart = (
        bar_chart(
            [(name, met) for name, _, met in declared],
            title="Structures ASE rencontrées pendant le mois (le trimestre pour un suivi trimestriel)",
            unit=("structure", "structures"),
        )
        if len(declared) > 1
        else ""
    )

    blocked = Counter(b.kind for b in blocked_files(departement, today))
    blocked_rows = [(label, blocked[kind]) for kind, label in BLOCKED_KINDS.items() if blocked[kind]]

    late = list(
        AssociationReport.objects.late(today)
        .filter(period__departement=departement, period__month__lte=period.month)
        .select_related("association", "period")
        .order_by("-period__month", "association__name")
    )
    # One line per period, due date and kind (month or quarter): associations' due dates differ.
    upcoming_rows = (
        AssociationReport.objects.filter(period__departement=departement, due_on__gte=today)
        .values("period", "due_on", "covers_from")
        .annotate(waiting=Count("pk", filter=Q(current_revision=0)), total=Count("pk"))
        .order_by("due_on", "period__month", "covers_from")
    )
    periods = ReportingPeriod.objects.in_bulk({row["period"] for row in upcoming_rows})
    upcoming = [
        {
            "deadline": row["due_on"],
            "title": AssociationReport(
                period=periods[row["period"]], covers_from=row["covers_from"]
            ).long_title,
            "waiting": row["waiting"],
            "total": row["total"],
        }
        for row in upcoming_rows
    ]
    conventions_ending = list(
        Convention.objects.current(today)
        .filter(departement=departement, end_date__lte=today + datetime.timedelta(days=90))
        .select_related("association")
        .order_by("end_date")
    )

    def notes(field):
        return [
            (r.report.association.name, getattr(r, field)) for r in revisions if getattr(r, field).strip()
        ]

    return {
        "period": period,
        "departement": departement,
        "today": today,
        "due_text": period.deadline_text(),
        "quarterly_note": quarterly,
        "figures": figures,
        "pairs_chart": pairs_chart,
        "pairs_rows": [(name, pairs.get(name, 0), imported.get(name, 0)) for name in associations],
        "profile_charts": profile_charts,
        "structures_chart": structures_chart,
        "declared": revisions,
        "submitted": sum(1 for r in reports if r.current_revision),
        "reports_total": len(reports),
        "funding": declared_lines(
            SimpleNamespace(departement=departement, association=None, territory=None),
            SimpleNamespace(start=period.month, end=period.month_end),
            filed_in=True,
        ),
        "technical_tools": notes("technical_tools"),
        "structures_names": notes("ase_structures_names"),
        "complementary_projects": notes("complementary_projects"),
        "presentations": notes("upcoming_presentations"),
        "difficulties": notes("difficulties"),
        "next_steps": notes("next_steps"),
        "blocked_rows": blocked_rows,
        "blocked_total": sum(blocked.values()),
        "late": late,
        "upcoming": upcoming,
        "conventions_ending": conventions_ending,
    }


def cotech_html(period: ReportingPeriod, today: datetime.date | None = None) -> str:
    from django.conf import settings
    from django.template.loader import render_to_string

    return render_to_string(
        "reporting/pdf/cotech.html",
        {"brand_name": settings.BINOME_BRAND_NAME, **cotech_context(period, today)},
    )


def cotech_pdf(period: ReportingPeriod, today: datetime.date | None = None) -> bytes:
    return render_pdf("reporting/pdf/cotech.html", cotech_context(period, today))
