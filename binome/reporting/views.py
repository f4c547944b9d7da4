from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from binome.accounts.perms import can, policy
from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.reporting import cotech, imports, services
from binome.reporting.forms import ImportUploadForm, PeriodOpenForm, ReportForm, funding_formset
from binome.reporting.models import (
    COST_FIELDS,
    REQUIRED_TO_SUBMIT,
    SECTIONS,
    AssociationReport,
    ImportJob,
    ImportStatus,
    ReportedPair,
    ReportFigures,
    ReportingPeriod,
    ReportStatus,
    SubProject,
)
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.french import a, de, plural
from binome.utils.months import add_months_first_day
from binome.utils.numbers import euros, number

# --- Département -----------------------------------------------------------------------------------------


def _periods(request):
    return ReportingPeriod.objects.visible_to(request.membership)


@policy("reporting.view")
def periods(request, open_form=None):
    today = timezone.localdate()
    rows = _periods(request).annotate(
        total=Count("reports"),
        submitted=Count("reports", filter=Q(reports__current_revision__gt=0)),
        late_count=Count("reports", filter=Q(reports__current_revision=0, reports__due_on__lt=today)),
        first_due=Min("reports__due_on"),
        last_due=Max("reports__due_on"),
    )
    for period in rows:
        period.due_text = period.deadline_text(
            period.first_due or period.deadline, period.last_due or period.deadline
        )
    return render(
        request,
        "reporting/periods.html",
        {
            "periods": rows,
            "open_form": open_form or (PeriodOpenForm() if can(request, "reporting.steer") else None),
        },
        status=422 if open_form is not None else 200,
    )


@policy("reporting.steer")
@require_POST
def period_open(request):
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_open(
                departement=request.organisation,
                month=form.cleaned_data["month"],
                deadline=form.cleaned_data["deadline"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Le suivi {de(period.label)} est ouvert aux associations.")
            if not period.reports.exists():
                messages.warning(
                    request,
                    "Aucune association n'a de suivi à transmettre pour ce mois : celles en reporting "
                    "trimestriel transmettent le dernier mois du trimestre (mars, juin, septembre, décembre).",
                )
            return redirect("reporting:period_detail", period_id=period.pk)
    return periods(request, open_form=form)


STATUS_ORDER = {
    ReportStatus.LATE: 0,
    ReportStatus.NOT_STARTED: 1,
    ReportStatus.IN_PROGRESS: 2,
    ReportStatus.SUBMITTED: 3,
}


@policy("reporting.view")
def period_detail(request, period_id):
    period = get_object_or_404(_periods(request), pk=period_id)
    today = timezone.localdate()
    reports = list(period.reports.select_related("association").order_by("association__name"))
    for report in reports:
        report.status_code = report.status(today)
    reports.sort(key=lambda r: (STATUS_ORDER[r.status_code], r.association.name))
    counts = dict.fromkeys(ReportStatus, 0)
    for report in reports:
        counts[report.status_code] += 1
    due_dates = [report.due_on for report in reports]
    return render(
        request,
        "reporting/period_detail.html",
        {
            "period": period,
            "reports": reports,
            "counts": [(ReportStatus(s).label, s, n) for s, n in counts.items()],
            "can_steer": can(request, "reporting.steer"),
            "today": today,
            "due_text": period.deadline_text(min(due_dates, default=None), max(due_dates, default=None)),
            "quarterly_elsewhere": services.quarterly_elsewhere(period),
            "quarter_end": add_months_first_day(period.month, 2 - (period.month.month - 1) % 3),
        },
    )


@policy("reporting.steer")
@require_POST
def report_remind(request, report_id):
    report = get_object_or_404(
        AssociationReport.objects.visible_to(request.membership).select_related("period", "association"),
        pk=report_id,
    )
    try:
        count = services.report_remind(report=report, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            f"Relance envoyée {a(report.association)} ({plural(count, 'destinataire')}).",
        )
    return redirect("reporting:period_detail", period_id=report.period_id)


# --- Reading a report ---------------------------------------------------------------------------------


def display(name, value):
    """A figure as the French reader expects it: « 1,5 », « 9 920 € » ; funding lines on one line."""
    if value is None or value == "":
        return None
    if name == "funding":
        return (
            "; ".join(
                f"{funder} ({sub}) : {display('amount', amount)}"
                for funder, sub, amount in funding_rows(value)
            )
            or "aucun"
        )
    if name in COST_FIELDS or name == "amount":
        return euros(value)
    if name in ReportFigures.NUMBER_FIELDS:
        return number(value)
    return value


def figure_rows(values: dict) -> list[tuple[str, list[tuple[str, object]]]]:
    """(section, [(label, value)]) for a snapshot's figures."""
    return [
        (section, [(_reading_label(name), display(name, values.get(name))) for name in names])
        for section, names in SECTIONS
    ]


def _label(name):
    label = str(AssociationReport._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _reading_label(name):
    """The label beside a shown value: « Locaux », the value already saying « 669 € »."""
    return _label(name).removesuffix(" (€)")


def funding_rows(lines):
    labels = dict(SubProject.choices)
    return [
        (line.get("funder"), labels.get(line.get("sub_project"), line.get("sub_project")), line.get("amount"))
        for line in lines or []
    ]


def revision_changes(revision, previous) -> list[tuple[str, object, object]]:
    """What a correction changed: (label, before, after)."""
    before, after = previous.snapshot["figures"], revision.snapshot["figures"]
    changes = []
    for name in ReportFigures.FIGURE_FIELDS:
        if before.get(name) != after.get(name):
            label = "Financements" if name == "funding" else _reading_label(name)
            changes.append((label, display(name, before.get(name)), display(name, after.get(name))))
    return changes


@policy("reporting.read")
def report_detail(request, report_id):
    report = get_object_or_404(
        AssociationReport.objects.visible_to(request.membership).select_related(
            "period__departement", "association"
        ),
        pk=report_id,
    )
    revisions = list(report.revisions.select_related("submitted_by").order_by("-number"))
    for revision, previous in zip(revisions, [*revisions[1:], None], strict=False):
        revision.changes = revision_changes(revision, previous) if previous else []
    shown = revisions[0] if revisions else None
    version = request.GET.get("version")
    if version:
        shown = next((r for r in revisions if str(r.number) == version), None)
        if shown is None:
            raise Http404
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "revisions": revisions,
            "shown": shown,
            "sections": figure_rows(shown.snapshot["figures"]) if shown else [],
            "funding": [
                (funder, sub, display("amount", amount))
                for funder, sub, amount in funding_rows(shown.snapshot["figures"].get("funding"))
            ]
            if shown
            else [],
            "indicators": shown.indicators if shown else {},
            "is_association": request.organisation.pk == report.association_id,
            "status": report.status_label(),
        },
    )


# --- Association -----------------------------------------------------------------------------------------


def _my_reports(request):
    return AssociationReport.objects.visible_to(request.membership).select_related(
        "period__departement", "association"
    )


@policy("reporting.fill")
def my_reports(request):
    today = timezone.localdate()
    reports = list(_my_reports(request).order_by("-period__month", "period__departement__name"))
    for report in reports:
        report.status_code = report.status(today)
    conventions = (
        Convention.objects.current(today)
        .filter(association=request.organisation)
        .select_related("departement")
        .order_by("departement__name")
    )
    return render(
        request,
        "reporting/my_reports.html",
        {"reports": reports, "today": today, "conventions": conventions},
    )


@policy("reporting.fill")
def report_edit(request, report_id):
    report = get_object_or_404(_my_reports(request), pk=report_id)
    correcting = bool(report.current_revision)
    form = ReportForm(request.POST or None, instance=report, correcting=correcting)
    funding = funding_formset(report, request.POST or None)
    action = request.POST.get("action", "save")
    may_submit = services.may_submit(report, request.user, request.membership)
    if request.method == "POST":
        if form.is_valid() & funding.is_valid():
            try:
                services.report_save(
                    report=report, data=form.cleaned_data, funding=funding.lines(), by=request.user
                )
                if action == "submit":
                    revision = services.report_submit(
                        report=report,
                        by=request.user,
                        membership=request.membership,
                        reason=form.cleaned_data.get("reason", ""),
                    )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if action == "submit":
                    if revision.number == 1:
                        messages.success(request, f"Le {report.title} est transmis au département.")
                    else:
                        messages.success(
                            request,
                            f"La correction (version {revision.number}) est transmise au département.",
                        )
                    return redirect("reporting:report_detail", report_id=report.pk)
                messages.success(
                    request, "Votre saisie est enregistrée. Vous pourrez la compléter plus tard."
                )
                return redirect("reporting:report_edit", report_id=report.pk)
        if form.errors and action == "save":
            messages.error(request, "Rien n'a été enregistré : corrigez les champs signalés.")
    return render(
        request,
        "reporting/report_form.html",
        {
            "report": report,
            "form": form,
            "funding": funding,
            "correcting": correcting,
            "may_submit": may_submit,
            "submittable": report.period.submittable(),
            "pending_changes": services.report_has_changes(report),
            "required": [_label(name) for name in REQUIRED_TO_SUBMIT],
            "sections": [
                (title, [form[name] for name in names if name in form.fields]) for title, names in SECTIONS
            ],
        },
        status=422 if (form.errors or funding.total_error_count()) else 200,
    )


# --- Cotech ------------------------------------------------------------------------------------------


@policy("reporting.view")
def cotech_pdf(request, period_id):
    period = get_object_or_404(_periods(request).select_related("departement"), pk=period_id)
    content = cotech.cotech_pdf(period)
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="export",
        object_type="reporting.cotech",
        object_id=str(period.pk),
        departement=period.departement,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cotech-{period.month:%Y-%m}.pdf"'
    return response


# --- Import from the association's own CRM ----------------------------------------------------------------


def _departements_of(request):
    """The départements the association has a convention in force with (an import is for one of them)."""
    from binome.accounts.models import Organisation

    current = Convention.objects.current().filter(association=request.organisation).values("departement")
    return list(Organisation.objects.filter(pk__in=current).order_by("name"))


def _jobs(request):
    return ImportJob.objects.visible_to(request.membership).select_related("departement")


@policy("reporting.fill")
def import_start(request):
    departements = _departements_of(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, departements=departements)
    if request.method == "POST" and form.is_valid():
        job = imports.job_create(
            upload=form.cleaned_data["file"],
            association=request.organisation,
            departement=form.cleaned_data["departement"],
            by=request.user,
        )
        return redirect("reporting:import_job", job_id=job.pk)
    return render(
        request,
        "reporting/import.html",
        {
            "form": form,
            "departements": departements,
            "jobs": _jobs(request)[:10],
            "pair_columns": imports.PAIR_COLUMNS,
            "meeting_columns": imports.MEETING_COLUMNS,
            "pairs_count": ReportedPair.objects.visible_to(request.membership).count(),
        },
        status=422 if form.errors else 200,
    )


@policy("reporting.fill")
def import_template(request):
    departements = _departements_of(request)
    chosen = request.GET.get("departement")
    departement = next((d for d in departements if str(d.pk) == chosen), None)
    if departement is None:
        if len(departements) != 1:
            raise Http404
        departement = departements[0]
    fmt = "ods" if request.GET.get("format") == "ods" else "xlsx"
    content = imports.build_template(association=request.organisation, departement=departement, fmt=fmt)
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="export",
        object_type="reporting.reportedpair",
        departement=departement,
    )
    content_type = (
        "application/vnd.oasis.opendocument.spreadsheet"
        if fmt == "ods"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="suivi-binomes-{departement.insee_code}.{fmt}"'
    return response


def _job_context(job):
    plan = job.plan or {}
    return {
        "job": job,
        "errors": imports.stored_errors(job)[:500] if job.status == ImportStatus.INVALID else [],
        "rows": [
            (
                "Binômes",
                plan.get("pairs_created", 0),
                plan.get("pairs_updated", 0),
                plan.get("pairs_unchanged", 0),
            ),
            (
                "Rencontres par mois",
                plan.get("meetings_created", 0),
                plan.get("meetings_updated", 0),
                plan.get("meetings_unchanged", 0),
            ),
        ],
        "nothing_to_do": not any(
            plan.get(k) for k in ("pairs_created", "pairs_updated", "meetings_created", "meetings_updated")
        ),
    }


@policy("reporting.fill")
def import_job(request, job_id):
    job = get_object_or_404(_jobs(request), pk=job_id)
    return render(request, "reporting/import_job.html", _job_context(job))


@policy("reporting.fill")
def import_job_status(request, job_id):
    """The job's panel alone, polled by htmx while the job runs."""
    job = get_object_or_404(_jobs(request), pk=job_id)
    return render(request, "reporting/includes/import_job_panel.html", _job_context(job))


@policy("reporting.fill")
@require_POST
def import_confirm(request, job_id):
    job = get_object_or_404(_jobs(request), pk=job_id)
    if not imports.job_confirm(job=job):
        messages.error(request, "Cet import n'est pas prêt à être confirmé.")
    return redirect("reporting:import_job", job_id=job.pk)
