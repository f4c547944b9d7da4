"""Writes of the reporting cycle: open periods, save a draft, submit (a frozen revision), remind.

Forms, the daily job and the commands call these; nothing else writes reporting rows.
"""

import datetime
import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, Role
from binome.conventions.models import Convention, ReportingFrequency
from binome.notifications.emails import send_email
from binome.reporting.figures import live_indicators
from binome.reporting.models import (
    REQUIRED_TO_SUBMIT,
    AssociationReport,
    ReportedMeetings,
    ReportedPair,
    ReportFigures,
    ReportingPeriod,
    ReportRevision,
    SubProject,
)
from binome.reporting.months import (
    default_deadline,
    due_date,
    is_quarter_end,
    month_code,
    month_end,
    month_label,
    month_start,
    quarter_start,
)
from binome.utils.french import de


def conventions_during(departement, month: datetime.date, since: datetime.date | None = None):
    """Conventions in force at some point of the month (or from the month `since` to the end of
    `month`): their associations report for it."""
    conventions = Convention.objects.in_force_during(since or month, month_end(month))
    return conventions if departement is None else conventions.filter(departement=departement)


def expected_conventions(departement, month: datetime.date) -> dict:
    """{association id: the convention that says how it reports} for the département's `month`.

    - monthly convention in force at some point of the month: a report for the month;
    - quarterly convention: nothing in the quarter's first two months; in its last month (March, June,
      September, December) a report for the three months, if the convention was in force at some
      point of the quarter (one that ended in August still reports July–August, in September).
    An association with two conventions follows the one that started last."""
    month = month_start(month)
    chosen = {}
    for convention in conventions_during(departement, month).order_by("start_date"):
        chosen[convention.association_id] = convention
    if is_quarter_end(month):
        ended_in_quarter = conventions_during(departement, month, since=quarter_start(month)).filter(
            reporting_frequency=ReportingFrequency.QUARTERLY
        )
        for convention in ended_in_quarter.order_by("start_date"):
            chosen.setdefault(convention.association_id, convention)
    return {
        association: convention
        for association, convention in chosen.items()
        if convention.reporting_frequency != ReportingFrequency.QUARTERLY or is_quarter_end(month)
    }


def report_terms(period: ReportingPeriod, convention) -> tuple[datetime.date, datetime.date]:
    """(first month covered, due date) of an association's report for the period: the quarter for a
    quarterly convention, else the month; due on the pilot's fixed deadline if any, else on the
    convention's reporting day of the next month (clamped to that month's last day)."""
    quarterly = convention.reporting_frequency == ReportingFrequency.QUARTERLY
    covers_from = quarter_start(period.month) if quarterly else period.month
    return covers_from, period.fixed_deadline or due_date(period.month, convention.reporting_day)


def reports_sync(*, period: ReportingPeriod) -> int:
    """One report per association expected for the period (`expected_conventions`; idempotent).
    Returns how many were added: an association whose convention starts later joins the open period.

    The due date of a report not yet submitted follows its convention's reporting day when the
    département changes it (unless the pilot fixed the period's deadline); the period's `deadline`
    stays the latest of its reports' due dates."""
    expected = expected_conventions(period.departement, period.month)
    present = {report.association_id: report for report in period.reports.all()}
    added = []
    for association_id, convention in expected.items():
        covers_from, due_on = report_terms(period, convention)
        report = present.get(association_id)
        if report is None:
            added.append(
                AssociationReport(
                    period=period, association_id=association_id, covers_from=covers_from, due_on=due_on
                )
            )
        elif not report.current_revision and report.due_on != due_on and report.covers_from == covers_from:
            report.due_on = due_on
            report.save(update_fields=["due_on", "updated_at"])
    AssociationReport.objects.bulk_create(added, ignore_conflicts=True)
    latest = period.reports.aggregate(latest=Max("due_on"))["latest"]
    deadline = period.fixed_deadline or latest or period.deadline
    if deadline != period.deadline:
        period.deadline = deadline
        period.save(update_fields=["deadline", "updated_at"])
    return len(added)


@transaction.atomic
def period_open(*, departement, month: datetime.date, deadline: datetime.date | None = None, by=None):
    """Open the reporting of `month` for a département (by its pilot or the monthly job).

    Without `deadline`, each association's report is due on its convention's reporting day of the
    next month; with one (the pilot's choice, e.g. for holidays), every report of the period is due
    that day."""
    month = month_start(month)
    if deadline is not None and deadline <= month:
        raise ValidationError({"deadline": "L'échéance doit suivre le début du mois suivi."})
    if ReportingPeriod.objects.filter(departement=departement, month=month).exists():
        raise ValidationError({"month": f"Le suivi {de(month_label(month))} est déjà ouvert."})
    period = ReportingPeriod.objects.create(
        departement=departement,
        month=month,
        deadline=deadline or default_deadline(month),
        fixed_deadline=deadline,
        opened_by=by,
    )
    reports_sync(period=period)
    return period


def periods_open_due(*, today: datetime.date | None = None) -> list[ReportingPeriod]:
    """The daily job: each département with a report expected for the current month gets its period
    (on the 1st, or the day a convention makes one expected), and the periods still open for
    submission take in associations whose convention started since. A month where every association
    of a département reports by quarter (its first two) opens no period."""
    today = today or timezone.localdate()
    month = month_start(today)
    opened = []
    departements = Organisation.objects.departements().filter(
        pk__in=conventions_during(None, month, since=quarter_start(month)).values("departement")
    )
    for departement in departements:
        if ReportingPeriod.objects.filter(departement=departement, month=month).exists():
            continue
        if not expected_conventions(departement, month):
            continue
        try:
            opened.append(period_open(departement=departement, month=month))
        except (ValidationError, IntegrityError):  # opened meanwhile by the pilot or another worker
            continue
    for period in ReportingPeriod.objects.filter(deadline__gte=today):
        reports_sync(period=period)
    return opened


def quarterly_elsewhere(period: ReportingPeriod) -> list[str]:
    """Names of the associations that report by quarter and have no report in this period (its month
    is not a quarter's last): the pilot's table says when they report."""
    conventions = conventions_during(period.departement, period.month).filter(
        reporting_frequency=ReportingFrequency.QUARTERLY
    )
    return sorted(
        set(
            conventions.exclude(association__in=period.reports.values("association")).values_list(
                "association__name", flat=True
            )
        )
    )


def convention_of(report):
    return (
        conventions_during(report.period.departement, report.period.month, since=report.covers_from)
        .filter(association=report.association)
        .select_related("reporting_lead")
        .order_by("-start_date")
        .first()
    )


def may_submit(report, user, membership) -> bool:
    """The association's manager, or the reporting lead the convention names (who may be a coordinator)."""
    if membership is None or membership.organisation_id != report.association_id:
        return False
    if membership.role == Role.MANAGER:
        return True
    convention = convention_of(report)
    return (
        membership.role == Role.COORDINATOR
        and convention is not None
        and convention.reporting_lead_id == user.pk
    )


def report_recipients(report) -> list[str]:
    """Who is reminded: the association's managers and the reporting lead named in the convention."""
    emails = set(
        Membership.objects.filter(
            organisation=report.association, role=Role.MANAGER, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    convention = convention_of(report)
    lead = convention.reporting_lead if convention else None
    if (
        lead is not None
        and lead.is_active
        and Membership.objects.filter(user=lead, organisation=report.association, is_active=True).exists()
    ):
        emails.add(lead.email)
    return sorted(emails)


def pilot_emails(departement) -> list[str]:
    return sorted(
        Membership.objects.filter(
            organisation=departement, role=Role.PILOT, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def report_save(*, report: AssociationReport, data: dict, funding: list[dict], by) -> AssociationReport:
    """Save the association's working copy. Never changes what was submitted: that is a revision."""
    for name in (*ReportFigures.NUMBER_FIELDS, *ReportFigures.TEXT_FIELDS):
        if name in data:
            setattr(report, name, data[name])
    unknown = {line["sub_project"] for line in funding} - set(SubProject.values)
    if unknown:
        raise ValidationError({"funding": f"Sous-projet inconnu : {', '.join(sorted(map(str, unknown)))}."})
    report.funding = [
        {"funder": line["funder"], "sub_project": line["sub_project"], "amount": str(line["amount"])}
        for line in funding
    ]
    report.full_clean(exclude=["period", "association", "edited_by"])
    report.started_at = report.started_at or timezone.now()
    report.edited_by = by
    # Only the working copy: an object loaded before a submission must not reset its revision number.
    report.save(
        update_fields=[*ReportFigures.FIGURE_FIELDS, "funding_total", "started_at", "edited_by", "updated_at"]
    )
    return report


def report_has_changes(report) -> bool:
    """True when the working copy differs from the revision in force (a correction not yet sent)."""
    if not report.current_revision:
        return False
    current = report.revisions.get(number=report.current_revision)
    return current.figures() != report.figures()


@transaction.atomic
def report_submit(*, report: AssociationReport, by, membership, reason: str = "") -> ReportRevision:
    """Freeze the working copy as the next revision, with the live indicators of this moment.

    The first submission is version 1; a correction (with its reason) is version 2, 3… Earlier
    versions stay as they were, listed in the history."""
    report = (
        AssociationReport.objects.select_for_update()
        .select_related("period", "association")
        .get(pk=report.pk)
    )
    if not may_submit(report, by, membership):
        raise ValidationError(
            "Seuls le ou la responsable de l'association et le référent reporting nommé dans la "
            "convention peuvent transmettre le suivi."
        )
    today = timezone.localdate()
    if not report.period.submittable(today):
        raise ValidationError(
            f"Le {'trimestre' if report.is_quarterly else 'mois'} n'est pas terminé : vous pourrez "
            f"transmettre à partir du {report.period.month_end:%d/%m/%Y}. Votre saisie est enregistrée."
        )
    missing = {
        name: "Obligatoire pour transmettre (0 si aucun)."
        for name in REQUIRED_TO_SUBMIT
        if getattr(report, name) is None
    }
    if missing:
        raise ValidationError(missing)
    reason = (reason or "").strip()
    if report.current_revision:
        if not reason:
            raise ValidationError({"reason": "Indiquez le motif de la correction."})
        if not report_has_changes(report):
            raise ValidationError(
                "Rien n'a changé depuis la version transmise : aucune correction à envoyer."
            )
    now = timezone.now()
    revision = ReportRevision(
        report=report,
        number=report.current_revision + 1,
        submitted_at=now,
        submitted_by=by,
        reason=reason,
        snapshot={
            "period": month_code(report.period.month),
            "covers": [month_code(month) for month in report.months_covered],
            "deadline": report.due_on.isoformat(),
            "submitted_at": now.isoformat(),
            "figures": report.figures(),
            "indicators": live_indicators(report),
        },
        **{name: getattr(report, name) for name in ReportFigures.FIGURE_FIELDS},
    )
    revision.save()
    report.current_revision = revision.number
    report.first_submitted_at = report.first_submitted_at or now
    report.save(update_fields=["current_revision", "first_submitted_at", "updated_at"])
    if revision.number > 1:
        emails = pilot_emails(report.period.departement)
        if emails:
            send_email(
                template="reporting_corrected",
                to=emails,
                context={
                    "month": report.label,
                    "title": report.long_title,
                    "association": report.association.name,
                    "number": revision.number,
                    "path": reverse("reporting:report_detail", kwargs={"report_id": report.pk}),
                },
            )
    return revision


@transaction.atomic
def report_remind(*, report: AssociationReport, by) -> int:
    """The pilot reminds one association, at most once a day. Returns the number of recipients."""
    report = (
        AssociationReport.objects.select_for_update()
        .select_related("period", "association")
        .get(pk=report.pk)
    )
    if report.current_revision:
        raise ValidationError("Ce suivi est déjà transmis.")
    if report.last_reminded_at and timezone.localdate(report.last_reminded_at) == timezone.localdate():
        raise ValidationError("Cette association a déjà été relancée aujourd'hui.")
    emails = report_recipients(report)
    if not emails:
        raise ValidationError(
            "Personne à relancer : l'association n'a ni responsable ni référent reporting actif."
        )
    send_reporting_email("reporting_reminder", report, emails)
    report.last_reminded_at = timezone.now()
    report.save(update_fields=["last_reminded_at"])
    return len(emails)


def send_reporting_email(template: str, report, emails: list[str], **extra) -> None:
    send_email(
        template=template,
        to=emails,
        context={
            "month": report.label,
            "title": report.long_title,
            "deadline": report.due_on,
            "departement": report.period.departement.name,
            "path": reverse("reporting:report_edit", kwargs={"report_id": report.pk}),
            **extra,
        },
    )


# --- Figures imported from an association's own CRM -----------------------------------------------------

PAIR_FIELDS = (
    "youth_external_id",
    "mentor_external_id",
    "birth_year",
    "gender",
    "school_level_id",
    "care_measure_id",
    "objective_id",
    "territory_id",
    "modality",
    "started_on",
    "ended_on",
    "state",
    "closure_reason",
    "objective_reached",
    "is_renewal",
)
# cleaned row key → model attribute
PAIR_KEYS = {
    "school_level": "school_level_id",
    "care_measure": "care_measure_id",
    "objective": "objective_id",
    "territory": "territory_id",
}
BATCH = 1000


def pair_fingerprint(values: dict) -> str:
    """A digest of a pair's values: an unchanged row is recognised without comparing every field."""
    text = "\x1f".join("" if values.get(name) is None else str(values.get(name)) for name in PAIR_FIELDS)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@transaction.atomic
def reported_data_save(
    *, association, departement, pairs: list[dict], meetings: list[dict], dry_run: bool = False
) -> dict:
    """Create or update an association's reported pairs and monthly meeting counts, keyed by its own
    identifiers; rows whose values did not change are left alone. With `dry_run`, only count (the
    import's preview). Rows are cleaned beforehand (`reporting.imports.validate`, or a form).

    Returns {pairs,meetings}_{created,updated,unchanged}."""
    if not dry_run:
        # Two batches of one association at once (two API calls, an API call and an import) both read
        # an external id as new and both create it: the second broke the unique constraint (a 500).
        # Holding the association's row makes the second wait, then read what the first wrote.
        list(Organisation.objects.select_for_update().filter(pk=association.pk).values_list("pk"))
    counts = dict.fromkeys(
        [f"{kind}_{what}" for kind in ("pairs", "meetings") for what in ("created", "updated", "unchanged")],
        0,
    )
    existing = {
        row[0]: row[1:]
        for row in ReportedPair.objects.filter(association=association).values_list(
            "external_id", "pk", "departement_id", "fingerprint"
        )
    }
    ids = {external_id: values[0] for external_id, values in existing.items()}
    # Plain tuples first: the preview (dry run) counts without building 20,000 model objects.
    to_create, to_update = [], []
    for row in pairs:
        values = {PAIR_KEYS.get(key, key): value for key, value in row.items() if key != "external_id"}
        fingerprint = pair_fingerprint(values)
        known = existing.get(row["external_id"])
        if known is None:
            pk = uuid.uuid4()
            ids[row["external_id"]] = pk
            to_create.append((pk, row["external_id"], fingerprint, values))
            continue
        pk, departement_id, old_fingerprint = known
        if departement_id != departement.pk:
            raise ValidationError(f"Le binôme {row['external_id']} est déclaré pour un autre département.")
        if old_fingerprint != fingerprint:
            to_update.append((pk, fingerprint, values))
    counts["pairs_created"], counts["pairs_updated"] = len(to_create), len(to_update)
    counts["pairs_unchanged"] = len(pairs) - len(to_create) - len(to_update)

    known_meetings = {
        (pair_id, month): (pk, in_person, remote)
        for pk, pair_id, month, in_person, remote in ReportedMeetings.objects.filter(
            pair__association=association
        ).values_list("pk", "pair_id", "month", "in_person", "remote")
    }
    meetings_to_create, meetings_to_update = [], []
    for row in meetings:
        pair_id = ids.get(row["pair_external_id"])
        if pair_id is None:
            raise ValidationError(f"Rencontres d'un binôme inconnu : {row['pair_external_id']}.")
        known = known_meetings.get((pair_id, row["month"]))
        if known is None:
            meetings_to_create.append((pair_id, row["month"], row["in_person"], row["remote"]))
        elif known[1:] != (row["in_person"], row["remote"]):
            meetings_to_update.append((known[0], row["in_person"], row["remote"]))
    counts["meetings_created"], counts["meetings_updated"] = len(meetings_to_create), len(meetings_to_update)
    counts["meetings_unchanged"] = len(meetings) - len(meetings_to_create) - len(meetings_to_update)
    if dry_run:
        return counts

    now = timezone.now()
    ReportedPair.objects.bulk_create(
        [
            ReportedPair(
                pk=pk,
                association=association,
                departement=departement,
                external_id=external_id,
                fingerprint=fingerprint,
                **values,
            )
            for pk, external_id, fingerprint, values in to_create
        ],
        batch_size=BATCH,
    )
    ReportedPair.objects.bulk_update(
        [ReportedPair(pk=pk, fingerprint=fp, updated_at=now, **values) for pk, fp, values in to_update],
        [*PAIR_FIELDS, "fingerprint", "updated_at"],
        batch_size=BATCH,
    )
    ReportedMeetings.objects.bulk_create(
        [
            ReportedMeetings(pair_id=pair_id, month=month, in_person=in_person, remote=remote)
            for pair_id, month, in_person, remote in meetings_to_create
        ],
        batch_size=BATCH,
    )
    ReportedMeetings.objects.bulk_update(
        [
            ReportedMeetings(pk=pk, in_person=in_person, remote=remote)
            for pk, in_person, remote in meetings_to_update
        ],
        ["in_person", "remote"],
        batch_size=BATCH,
    )
    return counts
