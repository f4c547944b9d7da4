import os
from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from binome.accounts.perms import can, policy
from binome.audit.services import log_access
from binome.references.models import ReferenceItem, ReferenceKind
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.jobs import live_progress
from binome.utils.search import remembered_search, search
from binome.youths import imports, pdf, rules, services
from binome.youths.forms import (
    AssessmentForm,
    ConsentForm,
    DeclineForm,
    InformationForm,
    PathwaySettingsForm,
    ProposalForm,
    ReferenceItemForm,
    ReferralForm,
    RouteForm,
    WithdrawConsentForm,
    WithdrawReferralForm,
    YouthFilterForm,
    YouthForm,
)
from binome.youths.imports import ImportForm
from binome.youths.models import Consent, PathwaySettings, Referral, ReferralState, Youth, YouthImportJob
from binome.youths.queries import (
    BLOCKED_KINDS,
    blocked_files,
    coverage,
    filter_by_status,
    next_step,
    with_referral,
)
from binome.youths.routing import suggestions

PAGE_SIZE = 50


def _departement(request):
    org = request.organisation
    return org if org.is_departement else org.departement


def _youths(request):
    return Youth.objects.visible_to(request.membership)


def _log_read(request, youth):
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="view",
        obj=youth,
        departement=youth.departement,
    )


def _log_list(request):
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="list",
        object_type="youths.youth",
        departement=_departement(request),
    )


# --- Lists -------------------------------------------------------------------------------------


@policy("youths.view")
def youth_list(request):
    terms, response = remembered_search(request, "youths")
    if response:
        return response
    form = YouthFilterForm(request.GET or None)
    youths = with_referral(_youths(request)).select_related(
        "ase_service", "territory", "referrer", "school_level"
    )
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if data["mine"]:
            youths = youths.filter(referrer=request.user)
    youths = search(youths, terms, "first_name", "last_name")
    youths = filter_by_status(youths, status) if status else youths.filter(archived_at__isnull=True)
    page = Paginator(youths.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for youth in page:
        youth.step = next_step(youth)
    counts = {
        "first_assessment_due": _youths(request).first_assessment_due().count(),
        "to_propose": _youths(request).to_propose().count(),
        "consents_missing": _youths(request)
        .filter(proposal_outcome="accepted", consents_complete=False, archived_at__isnull=True)
        .count(),
    }
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="list",
        object_type="youths.youth",
        departement=_departement(request),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "youths/youth_list.html",
        {
            "form": form,
            "terms": terms,
            "page": page,
            "query": query.urlencode(),
            "counts": counts,
        },
    )


# --- One youth --------------------------------------------------------------------------------


@policy("youths.view")
def youth_detail(request, youth_id):
    youth = get_object_or_404(
        with_referral(_youths(request))
        .select_related("ase_service", "referrer", "territory", "commune", "school_level", "care_measure")
        .prefetch_related("objectives", "consents"),
        pk=youth_id,
    )
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="view",
        obj=youth,
        departement=youth.departement,
    )
    referral = youth.referrals.open().select_related("association").first()
    return render(
        request,
        "youths/youth_detail.html",
        {
            "youth": youth,
            "step": next_step(youth),
            "assessments": youth.assessments.all()[:5],
            "consents": youth.consents.all(),
            "missing_consents": rules.youth_missing_consents(youth),
            "information": youth.information_given.all(),
            "missing_information": rules.missing_information(youth),
            "proposal_blockers": rules.proposal_blockers(youth, "accepted", timezone.localdate()),
            "today": timezone.localdate(),
            "referral": referral,
            "blockers": rules.submission_blockers(youth)
            if referral and referral.state == ReferralState.DRAFT
            else [],
            "events": youth.events.select_related("actor", "organisation")[:50],
            "can_edit": can(request, "youths.edit"),
        },
    )


@policy("youths.edit")
def youth_edit(request, youth_id=None):
    youth = get_object_or_404(_youths(request), pk=youth_id) if youth_id else None
    if youth is not None and request.method == "GET":
        _log_read(request, youth)
    form = YouthForm(request.POST or None, instance=youth, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            youth = services.youth_save(
                youth=form.save(commit=False),
                objectives=form.cleaned_data["objectives"],
                by=request.user,
                organisation=request.organisation,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La fiche du jeune est enregistrée.")
            return redirect("youths:detail", youth_id=youth.pk)
    return render(
        request, "youths/youth_form.html", {"form": form, "youth": youth}, status=422 if form.errors else 200
    )


def _youth_action(request, youth_id, form_class, title, service, success, *, form_kwargs=None, warning=""):
    """A small form about one youth (assessment, proposal, consent): load, validate, call the service.
    `success` may be a function of the service's result, for a message that depends on what happened."""
    youth = get_object_or_404(_youths(request), pk=youth_id)
    extra = form_kwargs(youth) if form_kwargs else {}
    form = form_class(request.POST or None, request.FILES or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            result = service(
                youth=youth, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("youths:detail", youth_id=youth.pk)
    return render(
        request,
        "form_page.html",
        {"form": form, "youth": youth, "title": title, "warning": warning(youth) if warning else ""},
        status=422 if form.errors else 200,
    )


def _assessment_message(assessment) -> str:
    # The concerted fields are asked (and required) only when a pair runs: filled in, it has just ended.
    if assessment.conclusion == "not_in_interest" and assessment.participants:
        return (
            "L'évaluation est enregistrée : le mentorat n'est plus dans l'intérêt du jeune, le binôme est "
            "clôturé et l'association est prévenue."
        )
    return "L'évaluation de situation est enregistrée. Elle est valable un an."


def _assessment_warning(youth) -> str:
    if services.open_pair(youth) is None:
        return ""
    return (
        "Ce jeune est en binôme. Si l'évaluation conclut que le mentorat n'est plus dans son intérêt, il y est "
        "mis fin (art. D.221-40) : l'évaluation doit associer le jeune, et le binôme est clôturé dès "
        "l'enregistrement ; l'association et le référent sont prévenus."
    )


@policy("youths.edit")
def assessment_add(request, youth_id):
    return _youth_action(
        request,
        youth_id,
        AssessmentForm,
        "Évaluation de la situation",
        services.assessment_record,
        _assessment_message,
        form_kwargs=lambda youth: {"in_pair": services.open_pair(youth) is not None},
        warning=_assessment_warning,
    )


@policy("youths.edit")
def proposal_record(request, youth_id):
    return _youth_action(
        request,
        youth_id,
        ProposalForm,
        "Proposition d'un mentor",
        services.proposal_record,
        "L'issue de la proposition est enregistrée.",
        warning=lambda youth: " ".join(rules.proposal_blockers(youth, "accepted", timezone.localdate())),
    )


@policy("youths.edit")
def consent_add(request, youth_id):
    return _youth_action(
        request,
        youth_id,
        ConsentForm,
        "Enregistrer un consentement",
        services.consent_record,
        "Le consentement est enregistré.",
        form_kwargs=lambda youth: {"youth": youth},
    )


@policy("youths.edit")
def information_add(request, youth_id):
    return _youth_action(
        request,
        youth_id,
        InformationForm,
        "Information du jeune et des titulaires de l'autorité parentale",
        services.information_record,
        "L'information donnée est enregistrée.",
        form_kwargs=lambda youth: {"youth": youth},
    )


@policy("youths.edit")
def leaflet_pdf(request):
    """The département's information leaflet (art. D.221-35), to print and hand over."""
    response = HttpResponse(pdf.leaflet(_departement(request)), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="notice-mentorat.pdf"'
    return response


def _consents(request):
    return Consent.objects.filter(youth__in=_youths(request)).select_related("youth")


@policy("youths.edit")
def consent_withdraw(request, consent_id):
    consent = get_object_or_404(_consents(request), pk=consent_id)
    if request.method == "GET":
        _log_read(request, consent.youth)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                by=request.user,
                organisation=request.organisation,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.warning(request, "Le consentement est retiré : le parcours de mentorat est arrêté.")
        return redirect("youths:detail", youth_id=consent.youth_id)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "youth": consent.youth,
            "title": f"Retirer : {consent.get_kind_display()}",
            "warning": "Le retrait d'un consentement arrête le parcours : l'orientation en cours est retirée.",
        },
        status=422 if form.errors else 200,
    )


@policy("youths.view")
def consent_document(request, consent_id):
    consent = get_object_or_404(_consents(request), pk=consent_id)
    if not consent.document:
        raise Http404
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="download",
        obj=consent,
        departement=consent.youth.departement,
    )
    extension = os.path.splitext(consent.document.name)[1].lower()
    return FileResponse(
        consent.document.open("rb"),
        as_attachment=True,
        filename=f"consentement-{consent.pk}{extension}",
    )


@policy("youths.edit")
def consent_form_pdf(request, youth_id):
    youth = get_object_or_404(_youths(request).select_related("ase_service", "departement"), pk=youth_id)
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="export",
        obj=youth,
        departement=youth.departement,
    )
    response = HttpResponse(pdf.consent_form(youth, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="formulaire-consentement-{youth.pk}.pdf"'
    return response


@policy("youths.edit")
def referral_edit(request, youth_id):
    youth = get_object_or_404(_youths(request), pk=youth_id)
    if request.method == "GET":
        _log_read(request, youth)
    referral = youth.referrals.open().first()
    if referral and referral.state != ReferralState.DRAFT:
        messages.info(request, "L'orientation est déjà transmise : elle ne se modifie plus.")
        return redirect("youths:detail", youth_id=youth.pk)
    form = ReferralForm(request.POST or None, initial={"message": referral.message if referral else ""})
    if request.method == "POST" and form.is_valid():
        try:
            if referral is None:
                referral = services.referral_create(
                    youth=youth,
                    by=request.user,
                    organisation=request.organisation,
                    message=form.cleaned_data["message"],
                )
            else:
                referral.message = form.cleaned_data["message"]
                referral.save(update_fields=["message", "updated_at"])
            if "submit" in request.POST:
                services.referral_submit(
                    referral=referral, by=request.user, organisation=request.organisation
                )
                messages.success(request, "L'orientation est transmise au département.")
            else:
                messages.success(request, "La fiche d'orientation est enregistrée en brouillon.")
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("youths:detail", youth_id=youth.pk)
    return render(
        request,
        "youths/referral_form.html",
        {
            "form": form,
            "youth": youth,
            "referral": referral,
            "blockers": rules.submission_blockers(youth),
        },
        status=422 if form.errors else 200,
    )


@policy("youths.edit")
def referral_withdraw(request, referral_id):
    referral = get_object_or_404(
        Referral.objects.filter(youth__in=_youths(request)).select_related("youth"), pk=referral_id
    )
    form = WithdrawReferralForm(request.POST or None, departement=referral.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                referral=referral,
                by=request.user,
                organisation=request.organisation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, "L'orientation est retirée.")
        return redirect("youths:detail", youth_id=referral.youth_id)
    return render(
        request,
        "form_page.html",
        {"form": form, "youth": referral.youth, "title": "Retirer l'orientation"},
        status=422 if form.errors else 200,
    )


@policy("youths.edit")
def youth_archive(request, youth_id):
    youth = get_object_or_404(_youths(request).filter(archived_at__isnull=True), pk=youth_id)
    if request.method == "GET":
        _log_read(request, youth)
    form = WithdrawReferralForm(request.POST or None, departement=youth.departement)
    form.fields["reason"].label = "Motif de la sortie"
    if request.method == "POST" and form.is_valid():
        services.youth_archive(
            youth=youth,
            by=request.user,
            organisation=request.organisation,
            reason_code=form.cleaned_data["reason"].code,
        )
        messages.success(request, "Le jeune est sorti du dispositif ; sa fiche reste consultable.")
        return redirect("youths:detail", youth_id=youth.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "youth": youth,
            "title": "Sortie du dispositif",
            "warning": "Le jeune n'apparaîtra plus dans les listes de travail ; une orientation en cours est retirée.",
        },
        status=422 if form.errors else 200,
    )


# --- Import ---------------------------------------------------------------------------------------


def _import_jobs(request):
    return YouthImportJob.objects.visible_to(request.membership)


@policy("youths.edit")
def youth_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = imports.job_create(
            upload=form.cleaned_data["file"], organisation=request.organisation, by=request.user
        )
        return redirect("youths:import_job", job_id=job.pk)
    return render(
        request,
        "youths/import.html",
        {"form": form, "jobs": _import_jobs(request)[:10]},
        status=422 if form.errors else 200,
    )


TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@policy("youths.edit")
def youth_import_template(request, fmt):
    """« Modèle à remplir »: the expected headers and the département's lists as drop-downs, for a
    service whose ASE software exports nothing usable (no personal data in it)."""
    if fmt not in TEMPLATE_TYPES:
        raise Http404
    response = HttpResponse(
        imports.build_template(request.organisation, fmt), content_type=TEMPLATE_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="modele-import-jeunes.{fmt}"'
    return response


def _import_job_context(job):
    return {"job": job, "progress": live_progress(job, job.progress), "errors": job.errors[:500]}


@policy("youths.edit")
def youth_import_job(request, job_id):
    job = get_object_or_404(_import_jobs(request), pk=job_id)
    return render(request, "youths/import_job.html", _import_job_context(job))


@policy("youths.edit")
def youth_import_job_status(request, job_id):
    """The job's panel alone, polled by htmx while the worker imports."""
    job = get_object_or_404(_import_jobs(request), pk=job_id)
    return render(request, "youths/includes/import_job_panel.html", _import_job_context(job))


# --- Département: routing, blocked files, coverage, settings ---------------------------------------------


def _routable(request):
    return Referral.objects.filter(departement=request.organisation).select_related("youth", "association")


@policy("referrals.route")
def routing_queue(request):
    _log_list(request)
    referrals = (
        _routable(request)
        .filter(state__in=[ReferralState.SUBMITTED, ReferralState.DECLINED])
        .select_related("youth__territory", "decline_reason")
        .order_by("submitted_at")
    )
    return render(request, "youths/routing_queue.html", {"referrals": referrals})


@policy("referrals.route")
def referral_route(request, referral_id):
    referral = get_object_or_404(_routable(request), pk=referral_id)
    form = RouteForm(request.POST or None, departement=referral.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_route(
                referral=referral,
                association=form.cleaned_data["association"],
                by=request.user,
                organisation=request.organisation,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Orientation confiée à {form.cleaned_data['association']}.")
            return redirect("youths:routing_queue")
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="view",
        obj=referral.youth,
        departement=referral.departement,
    )
    return render(
        request,
        "youths/referral_route.html",
        {
            "form": form,
            "referral": referral,
            "youth": referral.youth,
            "suggestions": suggestions(referral),
        },
        status=422 if form.errors else 200,
    )


@policy("referrals.route")
def blocked(request):
    _log_list(request)
    everything = blocked_files(request.organisation)
    kind = request.GET.get("motif", "")
    counts = Counter(b.kind for b in everything)
    return render(
        request,
        "youths/blocked.html",
        {
            "blocked": [b for b in everything if b.kind == kind] if kind in BLOCKED_KINDS else everything,
            "kinds": [(code, label, counts.get(code, 0)) for code, label in BLOCKED_KINDS.items()],
            "kind": kind,
            "total": len(everything),
        },
    )


@policy("coverage.view")
def coverage_view(request):
    return render(request, "youths/coverage.html", {"coverage": coverage(request.organisation)})


@policy("referrals.route")
def pathway_settings(request):
    instance = PathwaySettings.for_organisation(request.organisation)
    form = PathwaySettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les réglages du parcours sont enregistrés.")
        return redirect("youths:pathway_settings")
    return render(request, "youths/pathway_settings.html", {"form": form}, status=422 if form.errors else 200)


@policy("references.manage")
def reference_lists(request):
    items = ReferenceItem.objects.filter(departement=request.organisation).order_by(
        "kind", "position", "label"
    )
    groups = [(kind, [i for i in items if i.kind == kind]) for kind in ReferenceKind]
    return render(request, "youths/reference_lists.html", {"groups": groups})


@policy("references.manage")
def reference_edit(request, item_id=None, kind=None):
    item = get_object_or_404(ReferenceItem, pk=item_id, departement=request.organisation) if item_id else None
    if item is None and kind not in ReferenceKind.values:
        raise Http404
    form = ReferenceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        if item._state.adding:
            from django.utils.text import slugify

            item.departement, item.kind = request.organisation, kind
            base = slugify(item.label)[:30] or "element"
            item.code, n = base, 1
            while ReferenceItem.objects.filter(
                departement=item.departement, kind=kind, code=item.code
            ).exists():
                n += 1
                item.code = f"{base}-{n}"
        item.save()
        messages.success(request, "La liste est mise à jour.")
        return redirect("youths:reference_lists")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"{ReferenceKind(item.kind if item else kind).label} — "
            f"{'modifier' if item else 'ajouter'}",
            "back_url": "youths:reference_lists",
        },
        status=422 if form.errors else 200,
    )


# --- Association: referrals received ------------------------------------------------------------


def _received(request):
    return Referral.objects.for_association(request.organisation).select_related(
        "youth", "youth__territory", "departement"
    )


@policy("referrals.receive")
def inbox(request):
    _log_list(request)
    referrals = _received(request).prefetch_related("youth__objectives").order_by("routed_at")
    return render(
        request,
        "youths/inbox.html",
        {
            "to_answer": [r for r in referrals if r.state == ReferralState.ROUTED],
            "to_match": [r for r in referrals if r.state == ReferralState.ACCEPTED],
        },
    )


@policy("referrals.receive")
def received_detail(request, referral_id):
    referral = get_object_or_404(
        _received(request).select_related(
            "youth__commune", "youth__school_level", "youth__referrer", "youth__ase_service"
        ),
        pk=referral_id,
    )
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="view",
        obj=referral.youth,
        departement=referral.departement,
    )
    events = referral.youth.events.filter(
        visible_to_association=True, at__gte=referral.routed_at or referral.created_at
    )
    return render(
        request,
        "youths/received_detail.html",
        {
            "referral": referral,
            "youth": referral.youth,
            "full": referral.visible_in_full_to_association,
            "decline_form": DeclineForm(departement=referral.departement),
            "events": events,
            "hide_who": not referral.visible_in_full_to_association,
        },
    )


@policy("referrals.receive")
@require_POST
def received_accept(request, referral_id):
    referral = get_object_or_404(_received(request), pk=referral_id)
    try:
        services.referral_accept(referral=referral, by=request.user, organisation=request.organisation)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, "Orientation acceptée : le profil complet du jeune est maintenant visible.")
    return redirect("youths:received_detail", referral_id=referral.pk)


@policy("referrals.receive")
def received_decline(request, referral_id):
    referral = get_object_or_404(_received(request), pk=referral_id)
    _log_read(request, referral.youth)
    form = DeclineForm(request.POST or None, departement=referral.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decline(
                referral=referral,
                by=request.user,
                organisation=request.organisation,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Orientation refusée : elle retourne au département.")
            return redirect("youths:inbox")
    return render(
        request,
        "youths/received_detail.html",
        {
            "referral": referral,
            "youth": referral.youth,
            "full": referral.visible_in_full_to_association,
            "decline_form": form,
            "events": [],
        },
        status=422 if form.errors else 200,
    )
