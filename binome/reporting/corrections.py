"""Declared figures corrected after they were first submitted: the steering dashboard and the tableau de
pilotage of a period say so (which association, when), since the figures they show are those of the
revision in force — a correction changes a past period's declared figures, everything else stays as it
stood at the period's end."""

from django.utils import timezone

from binome.reporting.figures import _revisions


def corrections(scope, period) -> list[dict]:
    """One line per correction in force over the scope and period: association, month or quarter, the
    version and when it was submitted. Empty for a territory (associations do not declare per
    territory)."""
    if getattr(scope, "territory", None) is not None:
        return []
    rows = (
        _revisions(scope, period)
        .filter(number__gt=1)
        .select_related("report__association", "report__period")
        .order_by("report__period__month", "report__association__name")
    )
    return [
        {
            "association": revision.report.association.name,
            "title": revision.report.title,
            "number": revision.number,
            "submitted_on": timezone.localdate(revision.submitted_at),
        }
        for revision in rows
    ]


def corrections_text(lines: list[dict]) -> str:
    """« Chiffres déclarés corrigés après leur première transmission : Association A (suivi d'octobre
    2026, version 2, le 12/11/2026). Les chiffres affichés sont ceux de la correction. » — or ""."""
    if not lines:
        return ""
    parts = [
        f"{line['association']} ({line['title']}, version {line['number']}, "
        f"le {line['submitted_on']:%d/%m/%Y})"
        for line in lines
    ]
    return (
        "Chiffres déclarés corrigés après leur première transmission : "
        + " ; ".join(parts)
        + ". Les chiffres déclarés affichés sont ceux de la correction ; les autres chiffres restent ceux "
        "de la fin de la période."
    )
