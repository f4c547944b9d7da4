"""The steering dashboards and their downloads. Figures only: no name reaches these pages or files."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from binome.accounts.perms import can, policy
from binome.audit.services import log_access
from binome.reporting.figures import quarterly_note
from binome.steering.exports import steering_file, table_file
from binome.steering.forms import (
    CustomIndicatorForm,
    DashboardFilterForm,
    PeriodFilterForm,
    SteeringSettingsForm,
)
from binome.steering.models import CustomIndicator, SteeringSettings
from binome.steering.periods import current_period, default_period
from binome.steering.registry import REGISTRY
from binome.steering.report import build_report
from binome.steering.scope import Scope
from binome.steering.tables import (
    NATIONAL_COLUMNS,
    KeyFigure,
    all_tables,
    display,
    key_figures,
    national_definitions,
    national_table,
    table_keys,
    with_definitions,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request):
    """The scope and period asked for, within what the current membership may see. An id outside it
    (another département's association or territory) answers 404."""
    data = request.GET.copy()
    if not data.get("periode"):
        data["periode"] = current_period().key
    form = DashboardFilterForm(data, membership=request.membership)
    form.is_valid()
    if any(name in form.errors for name in ("association", "territoire", "departement")):
        raise Http404("Filtre hors de votre périmètre.")
    period = form.cleaned_data.get("periode") or current_period()
    organisation = request.organisation
    if organisation.is_departement:
        scope = Scope(
            departement=organisation,
            association=form.cleaned_data.get("association"),
            territory=form.cleaned_data.get("territoire"),
        )
    else:
        scope = Scope(association=organisation, departement=form.cleaned_data.get("departement"))
    return form, scope, period


@policy("steering.view")
@require_GET
def dashboard(request):
    form, scope, period = _filters(request)
    report = build_report(scope, period)
    tables = all_tables(report)
    quarterly = quarterly_note(scope, period)
    query = request.GET.urlencode()
    return render(
        request,
        "steering/dashboard.html",
        {
            "form": form,
            "report": report,
            "key_figures": key_figures(report),
            "indicator_tables": [t for t in tables if t.key.startswith("stage_")],
            "chart_tables": [t for t in tables if not t.key.startswith("stage_")],
            "query": query,
            "can_export": can(request, "steering.export"),
            "can_adapt": can(request, "steering.settings"),
            "quarterly_note": quarterly,
            "running_month": period == current_period(),
            "last_month": default_period(),
        },
        status=422 if form.errors else 200,
    )


@policy("steering.view")
@require_GET
def table_xlsx(request):
    """Any table of the dashboard, with the same filters, as an xlsx file."""
    key = request.GET.get("tableau", "")
    if key not in table_keys():
        raise Http404("Tableau inconnu.")
    _form, scope, period = _filters(request)
    report = build_report(scope, period)
    table = next((t for t in all_tables(report) if t.key == key), None)
    if table is None:
        raise Http404("Ce tableau n'existe pas pour ce périmètre.")
    context = f"{scope.label} — {period.label}"
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="export",
        object_type="steering.table",
        object_id=key,
    )
    filename = f"binome-{key.replace('_', '-')}-{period.key}.xlsx"
    return FileResponse(
        table_file(table, context=context), as_attachment=True, filename=filename, content_type=XLSX
    )


@policy("steering.export")
@require_GET
def steering_xlsx(request):
    """The département's tableau de pilotage for the period: the five tabs of the toolkit's model."""
    _form, _scope, period = _filters(request)
    departement = request.organisation
    log_access(
        user=request.user,
        organisation=departement,
        action="export",
        object_type="steering.tableau_de_pilotage",
        object_id=period.key,
        departement=departement,
    )
    handle = steering_file(departement=departement, period=period)
    filename = f"tableau-de-pilotage-{departement.insee_code or 'departement'}-{period.key}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


NATIONAL_KEY_FIGURES = (
    "youths_mentored",
    "pairs_new",
    "delay_referral_to_first_meeting_avg",
    "coverage_rate",
)


def _national_period(request):
    """The national view's form and period (None when the period asked for is not one)."""
    data = request.GET.copy()
    if not data.get("periode"):
        data["periode"] = default_period().key
    form = PeriodFilterForm(data)
    return form, form.cleaned_data["periode"] if form.is_valid() else None


@policy("steering.national")
@require_GET
def national(request):
    """Every département side by side, for platform administrators. Belongs to no organisation: a
    platform administrator may have no membership at all."""
    form, period = _national_period(request)
    context = {"form": form, "period": period}
    if period is not None:
        table = national_table(period)
        total = dict(zip(NATIONAL_COLUMNS, table.rows[-1][1:], strict=True))
        context |= {
            "table": table,
            "rows": table.rows[:-1],
            "total": table.rows[-1],
            "definitions": national_definitions(),
            "key_figures": [
                KeyFigure(REGISTRY[key].label, display(total[key])) for key in NATIONAL_KEY_FIGURES
            ],
            "query": form.data.urlencode(),
        }
    return render(request, "steering/national.html", context, status=200 if period is not None else 422)


@policy("steering.national")
@require_GET
def national_xlsx(request):
    """The national table as an xlsx file, each column's definition under it."""
    form, period = _national_period(request)
    if period is None:
        return render(request, "steering/national.html", {"form": form}, status=422)
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="export",
        object_type="steering.national",
        object_id=period.key,
    )
    handle = table_file(with_definitions(national_table(period)), context=f"France entière — {period.label}")
    filename = f"binome-vue-nationale-{period.key}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@policy("steering.settings")
@require_http_methods(["GET", "POST"])
def settings(request):
    """What the département adapts without code (toolkit p. 8): the indicators it hides, its own
    indicators from its reference lists, its rural communes. Three forms, told apart by `action`."""
    departement = request.organisation
    instance = SteeringSettings.for_organisation(departement)
    action = request.POST.get("action") if request.method == "POST" else None
    form = SteeringSettingsForm(
        request.POST if action == "settings" else None, instance=instance, departement=departement
    )
    add_form = CustomIndicatorForm(request.POST if action == "add" else None, departement=departement)
    if action == "settings" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            form.save_m2m()
        messages.success(request, "Les réglages du pilotage sont enregistrés.")
        return redirect("steering:settings")
    if action == "add" and add_form.is_valid():
        indicator = add_form.save(commit=False)
        indicator.departement = departement
        indicator.position = CustomIndicator.objects.filter(departement=departement).count()
        indicator.save()
        messages.success(request, f"L'indicateur « {indicator.label} » est ajouté.")
        return redirect("steering:settings")
    if action == "delete":
        indicator = get_object_or_404(
            CustomIndicator, pk=_uuid(request.POST.get("id")), departement=departement
        )
        indicator.delete()
        messages.success(request, f"L'indicateur « {indicator.label} » est retiré.")
        return redirect("steering:settings")
    if action not in (None, "settings", "add"):
        raise Http404("Action inconnue.")
    return render(
        request,
        "steering/settings.html",
        {
            "form": form,
            "add_form": add_form,
            "custom": CustomIndicator.objects.filter(departement=departement).select_related("item"),
        },
        status=422 if form.errors or add_form.errors else 200,
    )


def _uuid(value):
    """A posted id, or None when it is not a UUID (a 404, never a 500)."""
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
