from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from binome.accounts.models import Organisation, OrganisationKind
from binome.accounts.perms import policy
from binome.audit.models import AccessLog
from binome.audit.services import log_access
from binome.mentors import honorability, services
from binome.mentors.forms import (
    ApplicationForm,
    CheckRequestForm,
    CheckResultForm,
    MentorFilterForm,
    MentorForm,
    MentorSettingsForm,
    MoveForm,
    TrainingModuleForm,
    TrainingSessionForm,
)
from binome.mentors.models import (
    ACTIVE_STAGES,
    CheckResult,
    HonorabilityCheck,
    Mentor,
    MentorSettings,
    MentorStage,
    TrainingModule,
    TrainingSession,
)
from binome.territories.models import Commune
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.french import plural
from binome.utils.search import remembered_search, search
from binome.utils.tabular import ImportReport, TableUploadForm

APPLICATIONS_PER_HOUR = 10
HONORABILITY_UPLOAD_HELP = "Le fichier exporté ci-dessus (.xlsx, .ods ou CSV), complété."


def client_ip(request) -> str:
    """The visitor's address. Behind BINOME_TRUSTED_PROXIES reverse proxies, the address they forwarded."""
    proxies = settings.BINOME_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _communes_for(association):
    codes = association.departements().values_list("insee_code", flat=True)
    return Commune.objects.filter(departement_code__in=list(codes))


# --- Public application -------------------------------------------------------------------------


@policy("public")
def apply(request, association_id):
    association = get_object_or_404(
        Organisation, pk=association_id, kind=OrganisationKind.ASSOCIATION, is_active=True
    )
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, communes=_communes_for(association)
    )
    if request.method == "POST":
        # Every attempt counts, per association and per visitor (behind the proxy: the forwarded address).
        key = f"mentor-apply:{association.pk}:{client_ip(request)}"
        attempts = cache.get_or_set(key, 0, 3600)
        cache.incr(key)
        valid = form.is_valid()
        if attempts >= APPLICATIONS_PER_HOUR:
            form.add_error(
                None, "Trop de candidatures envoyées depuis cette connexion. Réessayez dans une heure."
            )
        elif valid:
            mentor = form.save(commit=False)
            mentor.association = association
            try:
                services.mentor_apply(mentor=mentor)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("mentors:apply_thanks", association_id=association.pk)
    return render(
        request,
        "mentors/apply.html",
        {"form": form, "association": association},
        status=422 if form.errors else 200,
    )


@policy("public")
def apply_thanks(request, association_id):
    association = get_object_or_404(Organisation, pk=association_id, kind=OrganisationKind.ASSOCIATION)
    return render(request, "mentors/apply_thanks.html", {"association": association})


# --- The association's pipeline ------------------------------------------------------------------------


def _mentors(request):
    return Mentor.objects.visible_to(request.membership)


@policy("mentors.manage")
def mentor_list(request):
    association = request.organisation
    terms, response = remembered_search(request, "mentors")
    if response:
        return response
    mentors = _mentors(request).select_related("coordinator", "commune")
    mentors = search(mentors, terms, "first_name", "last_name", "email")
    form = MentorFilterForm(request.GET or None)
    stale_before = services.stale_before(association)
    if form.is_valid():
        data = form.cleaned_data
        if data["stage"]:
            mentors = mentors.filter(stage=data["stage"])
        if data["stale"]:
            mentors = mentors.filter(stage__in=ACTIVE_STAGES, stage_since__lt=stale_before)
    counts = dict(_mentors(request).values_list("stage").annotate(n=Count("pk")))
    page = Paginator(mentors.order_by("last_name", "first_name", "pk"), 50).get_page(request.GET.get("page"))
    for mentor in page:
        mentor.is_stale = mentor.stage in ACTIVE_STAGES and mentor.stage_since < stale_before
    log_access(user=request.user, organisation=association, action="list", object_type="mentors.mentor")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentors/mentor_list.html",
        {
            "form": form,
            "terms": terms,
            "page": page,
            "query": query.urlencode(),
            "stages": [(stage, counts.get(stage.value, 0)) for stage in MentorStage],
            "matchable": _mentors(request).matchable().count(),
            "apply_url": request.build_absolute_uri(f"/candidater/{association.pk}/")
            if association.is_association
            else "",
            # An ASE service's referrers record the service's own mentors (art. D.221-36).
            "is_service": association.is_ase_service,
        },
    )


def _detail_context(mentor, move_form) -> dict:
    # Upcoming sessions with room, to enrol a mentor whose required training is not done from their page.
    sessions = []
    if not mentor.training_complete:
        sessions = [
            session
            for session in TrainingSession.objects.filter(
                association=mentor.association_id, starts_at__gte=timezone.now()
            )
            .exclude(registrations__mentor=mentor)
            .annotate(n=Count("registrations"))
            .order_by("starts_at")[:20]
            if session.n < session.capacity
        ]
    return {
        "open_sessions": sessions,
        "mentor": mentor,
        "move_form": move_form,
        "readiness": services.readiness_problems(mentor),
        "trainings": mentor.trainings.select_related("session").prefetch_related("session__modules"),
        "checks": mentor.checks.select_related("departement"),
        "events": mentor.events.select_related("actor")[:50],
        "is_stale": mentor.stage in ACTIVE_STAGES
        and mentor.stage_since < services.stale_before(mentor.association),
    }


@policy("mentors.manage")
def mentor_detail(request, mentor_id):
    mentor = get_object_or_404(_mentors(request).select_related("commune", "coordinator"), pk=mentor_id)
    log_access(user=request.user, organisation=request.organisation, action="view", obj=mentor)
    return render(request, "mentors/mentor_detail.html", _detail_context(mentor, MoveForm(mentor=mentor)))


@policy("mentors.manage")
def mentor_edit(request, mentor_id=None):
    mentor = get_object_or_404(_mentors(request), pk=mentor_id) if mentor_id else None
    if mentor is not None and request.method == "GET":
        log_access(user=request.user, organisation=request.organisation, action="view", obj=mentor)
    form = MentorForm(request.POST or None, instance=mentor, communes=_communes_for(request.organisation))
    form.fields["coordinator"].queryset = (
        form.fields["coordinator"]
        .queryset.filter(memberships__organisation=request.organisation, memberships__is_active=True)
        .distinct()
    )
    if request.method == "POST" and form.is_valid():
        mentor = form.save(commit=False)
        mentor.association = request.organisation
        try:
            mentor = services.mentor_save(mentor=mentor, by=request.user, organisation=request.organisation)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La fiche du mentor est enregistrée.")
            return redirect("mentors:detail", mentor_id=mentor.pk)
    return render(
        request,
        "mentors/mentor_form.html",
        {"form": form, "mentor": mentor},
        status=422 if form.errors else 200,
    )


@policy("mentors.manage")
@require_POST
def mentor_move(request, mentor_id):
    mentor = get_object_or_404(_mentors(request), pk=mentor_id)
    log_access(user=request.user, organisation=request.organisation, action="view", obj=mentor)
    form = MoveForm(request.POST, mentor=mentor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_move(
                mentor=mentor,
                stage=data["stage"],
                by=request.user,
                organisation=request.organisation,
                reason=data["reason"],
                interview_at=data["interview_at"],
                interview_notes=data["interview_notes"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Étape enregistrée : {MentorStage(data['stage']).label}.")
            return redirect("mentors:detail", mentor_id=mentor.pk)
    return render(request, "mentors/mentor_detail.html", _detail_context(mentor, form), status=422)


@policy("mentors.manage")
@require_POST
def mentor_enrol(request, mentor_id):
    """Enrol the mentor in a training session from their page (their required training is not done)."""
    mentor = get_object_or_404(_mentors(request), pk=mentor_id)
    try:
        session = TrainingSession.objects.filter(
            association=request.organisation, pk=request.POST.get("session") or None
        ).first()
    except ValidationError:  # not a UUID
        session = None
    if session is None:
        messages.error(request, "Choisissez une session de formation.")
        return redirect("mentors:detail", mentor_id=mentor.pk)
    try:
        services.training_register(session=session, mentor=mentor, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, f"{mentor} est inscrit·e à la session « {session.title} ».")
    return redirect("mentors:detail", mentor_id=mentor.pk)


# --- Training ------------------------------------------------------------------------------------


@policy("mentors.manage")
def training_list(request):
    association = request.organisation
    sessions = TrainingSession.objects.filter(association=association).annotate(n=Count("registrations"))
    now = timezone.now()
    return render(
        request,
        "mentors/training_list.html",
        {
            # Upcoming first (soonest first), then past ones (latest first).
            "session_groups": [
                (
                    "À venir",
                    sessions.filter(starts_at__gte=now).order_by("starts_at").prefetch_related("modules"),
                ),
                (
                    "Passées",
                    sessions.filter(starts_at__lt=now).order_by("-starts_at").prefetch_related("modules"),
                ),
            ],
            "modules": TrainingModule.objects.filter(association=association),
            "module_form": TrainingModuleForm(),
            "settings_form": MentorSettingsForm(instance=MentorSettings.for_organisation(association)),
        },
    )


@policy("mentors.manage")
def training_session_edit(request, session_id=None):
    association = request.organisation
    session = (
        get_object_or_404(TrainingSession, pk=session_id, association=association) if session_id else None
    )
    form = TrainingSessionForm(request.POST or None, instance=session, association=association)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, "La session de formation est enregistrée.")
        return redirect("mentors:training_session", session_id=session.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Session de formation",
            "back_url": "mentors:training_list",
        },
        status=422 if form.errors else 200,
    )


@policy("mentors.manage")
def training_session(request, session_id):
    session = get_object_or_404(
        TrainingSession.objects.prefetch_related("modules"), pk=session_id, association=request.organisation
    )
    log_access(
        user=request.user, organisation=request.organisation, action="list", object_type="mentors.mentor"
    )
    if request.method == "POST":
        try:
            if "register" in request.POST:
                mentor = get_object_or_404(_mentors(request), pk=request.POST.get("mentor"))
                services.training_register(session=session, mentor=mentor, by=request.user)
                messages.success(request, f"{mentor} est inscrit·e.")
            else:
                services.training_attendance(
                    session=session, attended_ids=set(request.POST.getlist("attended")), by=request.user
                )
                messages.success(request, "Les présences sont enregistrées.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("mentors:training_session", session_id=session.pk)
    registrations = session.registrations.select_related("mentor").order_by("mentor__last_name")
    candidates = (
        _mentors(request)
        .filter(
            stage__in=[
                MentorStage.INTERVIEW_DONE,
                MentorStage.TRAINING,
                MentorStage.VETTING,
                MentorStage.READY,
                MentorStage.IN_PAIR,
                MentorStage.PAUSED,
            ]
        )
        .exclude(trainings__session=session)
        .order_by("last_name")
    )
    return render(
        request,
        "mentors/training_session.html",
        {
            "session": session,
            "registrations": registrations,
            "candidates": candidates,
        },
    )


@policy("mentors.manage")
def training_module_edit(request, module_id=None):
    association = request.organisation
    module = get_object_or_404(TrainingModule, pk=module_id, association=association) if module_id else None
    form = TrainingModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        module = form.save(commit=False)
        module.association = association
        if (
            TrainingModule.objects.filter(association=association, name__iexact=module.name)
            .exclude(pk=module.pk)
            .exists()
        ):
            form.add_error("name", "Un module porte déjà ce nom.")
        else:
            module.save()
            for mentor in Mentor.objects.filter(association=association):
                services.refresh_training(mentor)
            messages.success(
                request, "Le module est enregistré ; la formation de chaque mentor est recalculée."
            )
            return redirect("mentors:training_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Module de formation",
            "back_url": "mentors:training_list",
        },
        status=422 if form.errors else 200,
    )


@policy("mentors.manage")
@require_POST
def mentor_settings(request):
    form = MentorSettingsForm(request.POST, instance=MentorSettings.for_organisation(request.organisation))
    if form.is_valid():
        form.save()
        messages.success(request, "Réglage enregistré.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("mentors:training_list")


# --- The département's honorability checks ---------------------------------------------------------


def _checkable(request):
    return honorability.mentors_of(request.organisation)


@policy("honorability.manage")
def check_list(request, import_form=None, report=None):
    departement = request.organisation
    todo = honorability.checks_to_do(departement)
    alerts = HonorabilityCheck.objects.filter(
        departement=departement,
        result=CheckResult.NOT_COMPLIANT,
        failure_confirmed_at__isnull=True,
        mentor__stage=MentorStage.IN_PAIR,
    ).select_related("mentor", "mentor__association")
    recent = (
        HonorabilityCheck.objects.filter(departement=departement)
        .exclude(result=CheckResult.PENDING)
        .select_related("mentor", "mentor__association")
        .order_by("-result_on")[:20]
    )
    log_access(
        user=request.user,
        organisation=departement,
        action="list",
        object_type="mentors.mentor",
        departement=departement,
    )
    import_form = import_form or TableUploadForm(help_text=HONORABILITY_UPLOAD_HELP)
    return render(
        request,
        "mentors/check_list.html",
        {
            "todo": todo,
            "alerts": alerts,
            "recent": recent,
            "import_form": import_form,
            "report": report,
        },
        status=422 if (report and not report.ok) or import_form.errors else 200,
    )


@policy("honorability.manage")
def check_export(request, fmt):
    if fmt not in ("csv", "xlsx", "ods"):
        raise Http404
    departement = request.organisation
    items = honorability.checks_to_do(departement)
    # One entry per exported person: the export carries names, birth dates and places.
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=request.user,
                organisation=departement,
                departement=departement,
                action="export",
                object_type="mentors.mentor",
                object_id=str(item.mentor.pk),
            )
            for item in items
        ]
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(honorability.export_csv(items), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="controles-honorabilite-{stamp}.csv"'
    elif fmt == "ods":
        response = HttpResponse(
            honorability.export_ods(items), content_type="application/vnd.oasis.opendocument.spreadsheet"
        )
        response["Content-Disposition"] = f'attachment; filename="controles-honorabilite-{stamp}.ods"'
    else:
        response = HttpResponse(
            honorability.export_xlsx(items),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="controles-honorabilite-{stamp}.xlsx"'
    return response


@policy("honorability.manage")
@require_POST
def check_import(request):
    form = TableUploadForm(request.POST, request.FILES, help_text=HONORABILITY_UPLOAD_HELP)
    report = ImportReport()
    if form.is_valid():
        report = honorability.import_results(
            form.cleaned_data["file"], departement=request.organisation, by=request.user
        )
        if report.ok:
            saved = plural(report.updated, "résultat enregistré", "résultats enregistrés")
            messages.success(request, f"{saved[:1].upper()}{saved[1:]}.")
            return redirect("mentors:check_list")
    return check_list(request, import_form=form, report=report if form.is_valid() else None)


def _next_to_check(request, mentor):
    """The mentor after this one in the département's to-do list (wrapping round), if any."""
    items = list(honorability.checks_to_do(request.organisation))
    index = next((i for i, item in enumerate(items) if item.mentor.pk == mentor.pk), -1)
    others = items[index + 1 :] + items[: max(index, 0)]
    return others[0] if others else None


@policy("honorability.manage")
def check_record(request, mentor_id):
    mentor = get_object_or_404(_checkable(request).select_related("association"), pk=mentor_id)
    pending = mentor.checks.filter(result=CheckResult.PENDING, departement=request.organisation).first()
    form_class = CheckResultForm if pending else CheckRequestForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if pending:
                services.check_result(
                    check=pending, by=request.user, departement=request.organisation, **form.cleaned_data
                )
                messages.success(request, "Le résultat du contrôle est enregistré.")
                following = _next_to_check(request, mentor)
                if following is not None:
                    messages.info(request, f"Contrôle suivant : {following.mentor}.")
                    return redirect("mentors:check_record", mentor_id=following.mentor.pk)
            else:
                services.check_request(
                    mentor=mentor,
                    departement=request.organisation,
                    by=request.user,
                    requested_on=form.cleaned_data["requested_on"],
                )
                messages.success(
                    request, "La demande de contrôle est enregistrée : saisissez le résultat ici à réception."
                )
                # Stay on the mentor: the result is entered on this same page.
                return redirect("mentors:check_record", mentor_id=mentor.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("mentors:check_list")
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="view",
        obj=mentor,
        departement=request.organisation,
    )
    return render(
        request,
        "mentors/check_record.html",
        {
            "mentor": mentor,
            "form": form,
            "pending": pending,
            "checks": mentor.checks.select_related("departement"),
            "following": _next_to_check(request, mentor),
        },
        status=422 if form.errors else 200,
    )


@policy("honorability.manage")
@require_POST
def check_confirm_failure(request, check_id):
    check = get_object_or_404(HonorabilityCheck.objects.filter(departement=request.organisation), pk=check_id)
    try:
        services.check_confirm_failure(check=check, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.warning(request, "Le mentorat de ce mentor prend fin (motif : honorabilité).")
    return redirect("mentors:check_list")
