import datetime
import os
import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from binome.accounts.models import Organisation
from binome.accounts.perms import ASSOCIATION_ROLES, can, policy
from binome.audit.services import log_access
from binome.mentorships import pdf, services
from binome.mentorships.forms import (
    AgreementForm,
    AgreementSettingsForm,
    AmendmentForm,
    ClosureForm,
    ConcernForm,
    ContactForm,
    CoordinatorForm,
    FollowUpSettingsForm,
    LaunchForm,
    LaunchPlanForm,
    MeetingForm,
    PortfolioFilterForm,
    ProjectMentionForm,
    ReopenForm,
    ResolveForm,
    ReviewForm,
    SignatureForm,
)
from binome.mentorships.models import (
    Agreement,
    AgreementKind,
    AgreementSettings,
    ClosureCategory,
    ClosureReason,
    Colour,
    Concern,
    FollowUpSettings,
    MeetingStatus,
    MentorAccess,
    Mentorship,
    MentorshipState,
    ReviewDecision,
    Signature,
)
from binome.surveys.models import Respondent, SurveyResponse
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.french import article, lower_text
from binome.utils.search import remembered_search, search

MENTOR_SESSION = "binome_mentor_space"
MENTOR_SESSION_SECONDS = 2 * 60 * 60


def _pairs(request):
    return Mentorship.objects.visible_to(request.membership)


def _pair(request, mentorship_id, *, manage=False):
    pairs = Mentorship.objects.managed_by(request.membership) if manage else _pairs(request)
    return get_object_or_404(
        pairs.select_related("youth", "mentor", "coordinator", "association", "youth__ase_service"),
        pk=mentorship_id,
    )


def _log_view(request, mentorship, action="view"):
    log_access(
        user=request.user,
        organisation=request.organisation,
        action=action,
        obj=mentorship,
        departement=mentorship.departement,
    )


def _back(mentorship, anchor=""):
    return redirect(reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}) + anchor)


# --- Portfolio and detail -------------------------------------------------------------------------


@policy("mentorships.view")
def portfolio(request):
    terms, response = remembered_search(request, "mentorships")
    if response:
        return response
    pairs = _pairs(request).select_related("youth", "mentor", "coordinator")
    pairs = search(
        pairs, terms, "youth__first_name", "youth__last_name", "mentor__first_name", "mentor__last_name"
    )
    form = PortfolioFilterForm(request.GET or None)
    state = ""
    if form.is_valid():
        data = form.cleaned_data
        state = data["etat"]
        if data["couleur"]:
            pairs = pairs.filter(colour=data["couleur"])
        if data["mine"]:
            pairs = pairs.filter(coordinator=request.user)
    pairs = pairs.filter(state=state) if state else pairs.open()
    today = timezone.localdate()
    if request.GET.get("bilan"):
        pairs = pairs.filter(
            state=MentorshipState.ACTIVE, review_due_on__lte=today + datetime.timedelta(days=30)
        )
    if request.GET.get("questionnaires"):
        pending = SurveyResponse.objects.pending().filter(respondent=Respondent.YOUTH).values("mentorship")
        pairs = pairs.filter(pk__in=pending)
    counts = dict(_pairs(request).open().values_list("colour").annotate(n=Count("pk")))
    ordered = pairs.by_colour() if state != MentorshipState.CLOSED else pairs.order_by("-ended_at", "pk")
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="list",
        object_type="mentorships.mentorship",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentorships/portfolio.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "terms": terms,
            "today": today,
            "colour_counts": [(c, counts.get(c.value, 0)) for c in (Colour.RED, Colour.ORANGE, Colour.GREEN)],
            "is_staff": request.membership.role in ASSOCIATION_ROLES,
            "perms_settings": can(request, "mentorships.settings"),
        },
    )


def _detail_context(request, mentorship, **forms):
    # The association's staff, or those of the ASE service coordinating the pair (art. D.221-36).
    is_staff = mentorship.association_id == request.organisation.pk
    agreements = list(mentorship.agreements.prefetch_related("signatures__witnessed_by"))
    pending = next((a for a in agreements if not a.completed_at), None)
    parties = (
        services.parties_to_sign(pending, request.membership.role, request.organisation) if pending else []
    )
    initial_complete = bool(agreements and agreements[0].completed_at)
    context = {
        "mentorship": mentorship,
        "is_staff": is_staff,
        "can_review": can(request, "mentorships.review"),
        "agreements": agreements,
        "pending_agreement": pending,
        "current_agreement": services.current_agreement(mentorship),
        "sign_parties": parties,
        "can_launch": is_staff and mentorship.state == MentorshipState.AGREEMENT and initial_complete,
        "meetings": mentorship.meetings.select_related("recorded_by")[:60],
        "contacts": mentorship.contacts.select_related("by")[:40] if is_staff else [],
        "concerns": mentorship.concerns.select_related("raised_by", "resolved_by") if is_staff else [],
        "open_concerns": mentorship.concerns.filter(resolved_at__isnull=True).count(),
        "reviews": mentorship.reviews.select_related("recorded_by"),
        "closures": mentorship.closures.select_related("closed_by", "reopened_by"),
        "surveys": mentorship.survey_responses.select_related("entered_by") if is_staff else [],
        "renewals": mentorship.renewals.all(),
        "can_rematch": is_staff
        and mentorship.state == MentorshipState.CLOSED
        and mentorship.referral_id is not None
        and mentorship.referral.state == "matched"
        and not Mentorship.objects.open().filter(youth=mentorship.youth_id).exists(),
        "today": timezone.localdate(),
        "review_overdue": mentorship.review_overdue(),
        "rules": FollowUpSettings.for_organisation(mentorship.association_id),
        "duration_days": mentorship.duration_days(),
    }
    if pending and parties:
        context["sign_form"] = forms.get("sign_form") or SignatureForm(
            parties=parties, initial={"signed_on": timezone.localdate()}
        )
    if is_staff and mentorship.is_open:
        if mentorship.state == MentorshipState.ACTIVE:
            context["meeting_form"] = forms.get("meeting_form") or MeetingForm(
                initial={"status": MeetingStatus.HELD, "duration_minutes": 60}
            )
        context["contact_form"] = forms.get("contact_form") or ContactForm()
        context["concern_form"] = forms.get("concern_form") or ConcernForm()
    if is_staff and mentorship.state == MentorshipState.AGREEMENT:
        context["launch_planned"] = mentorship.meetings.filter(
            kind="launch", status=MeetingStatus.PLANNED
        ).first()
        # One launch block: plan the meeting while signatures are awaited, record it once all signed.
        if not context["can_launch"] or forms.get("plan_form"):
            context["plan_form"] = forms.get("plan_form") or LaunchPlanForm()
    if context["can_launch"] or forms.get("launch_form"):
        planned = context.get("launch_planned")
        initial = {"objectives": context["current_agreement"].objectives}
        if planned and planned.at <= timezone.now():
            initial.update(held_at=timezone.localtime(planned.at), modality=planned.modality)
        context["launch_form"] = forms.get("launch_form") or LaunchForm(initial=initial)
    if context["can_review"] and mentorship.state == MentorshipState.ACTIVE:
        context["review_form"] = forms.get("review_form") or ReviewForm(
            initial={"held_on": timezone.localdate()}
        )
    if context["can_review"] and mentorship.is_open:
        adult = mentorship.youth.age() >= 18
        context["project_form"] = forms.get("project_form") or ProjectMentionForm(
            initial={
                "kind": mentorship.project_kind or ("paa" if adult else "ppe"),
                "written_on": mentorship.project_written_on or timezone.localdate(),
            }
        )
    context["mentor_accesses"] = mentorship.mentor_accesses.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    return context


def _render_detail(request, mentorship, status=200, **forms):
    return render(
        request, "mentorships/detail.html", _detail_context(request, mentorship, **forms), status=status
    )


@policy("mentorships.view")
def detail(request, mentorship_id):
    mentorship = _pair(request, mentorship_id)
    _log_view(request, mentorship)
    return _render_detail(request, mentorship)


@policy("mentorships.manage")
def agreement_edit(request, agreement_id):
    agreement = get_object_or_404(
        Agreement.objects.filter(
            mentorship__in=Mentorship.objects.managed_by(request.membership)
        ).select_related("mentorship"),
        pk=agreement_id,
    )
    mentorship = agreement.mentorship
    initial = {f: getattr(agreement, f) for f in services.TERM_FIELDS}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                agreement=agreement, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Les termes de la convention sont enregistrés.")
            return _back(mentorship, "#convention")
    return render(
        request,
        "mentorships/form_page.html",
        {"form": form, "mentorship": mentorship, "title": f"{agreement.title} : termes"},
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
def coordinator_change(request, mentorship_id):
    """Hand the pair to another manager or coordinator of the association (leave, workload)."""
    mentorship = _pair(request, mentorship_id, manage=True)
    form = CoordinatorForm(
        request.POST or None,
        association=mentorship.association,
        initial={"coordinator": mentorship.coordinator_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_update(
                mentorship=mentorship,
                by=request.user,
                organisation=request.organisation,
                coordinator=form.cleaned_data["coordinator"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, f"Le binôme est désormais suivi par {form.cleaned_data['coordinator']}."
            )
            return _back(mentorship)
    return render(
        request,
        "mentorships/form_page.html",
        {"form": form, "mentorship": mentorship, "title": "Changer de chargé·e de mentorat"},
        status=422 if form.errors else 200,
    )


@policy("mentorships.view")
def agreement_pdf(request, agreement_id):
    agreement = get_object_or_404(
        Agreement.objects.filter(mentorship__in=_pairs(request)).select_related(
            "mentorship__youth__ase_service",
            "mentorship__mentor",
            "mentorship__association",
            "mentorship__departement",
        ),
        pk=agreement_id,
    )
    _log_view(request, agreement.mentorship, action="export")
    response = HttpResponse(pdf.agreement_pdf(agreement), content_type="application/pdf")
    name = "avenant-" + str(agreement.number) if agreement.number else "convention"
    response["Content-Disposition"] = f'attachment; filename="{name}-{agreement.pk}.pdf"'
    return response


@policy("mentorships.sign")
def agreement_sign(request, agreement_id):
    agreement = get_object_or_404(
        Agreement.objects.filter(mentorship__in=_pairs(request)).select_related("mentorship"), pk=agreement_id
    )
    mentorship = agreement.mentorship
    if request.method != "POST":
        return _back(mentorship, "#convention")
    parties = services.parties_to_sign(agreement, request.membership.role, request.organisation)
    form = SignatureForm(request.POST, request.FILES, parties=parties)
    if form.is_valid():
        try:
            services.agreement_sign(
                agreement=agreement, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            agreement.refresh_from_db()
            if agreement.completed_at:
                done = "complet" if agreement.kind == AgreementKind.AMENDMENT else "complète"
                title = article(
                    lower_text(agreement.title), feminine=agreement.kind != AgreementKind.AMENDMENT
                )
                messages.success(request, f"Toutes les parties ont signé : {title} est {done}.")
            else:
                messages.success(request, "Signature enregistrée.")
            return _back(mentorship, "#convention")
    return _render_detail(request, mentorship, status=422, sign_form=form)


@policy("mentorships.manage")
@require_POST
def signature_remove(request, signature_id):
    signature = get_object_or_404(
        Signature.objects.filter(
            agreement__mentorship__in=Mentorship.objects.managed_by(request.membership)
        ).select_related("agreement__mentorship"),
        pk=signature_id,
    )
    mentorship = signature.agreement.mentorship
    try:
        services.signature_remove(signature=signature, by=request.user, organisation=request.organisation)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, "La signature est retirée.")
    return _back(mentorship, "#convention")


@policy("mentorships.view")
def signature_document(request, signature_id):
    signature = get_object_or_404(
        Signature.objects.filter(agreement__mentorship__in=_pairs(request)).select_related(
            "agreement__mentorship"
        ),
        pk=signature_id,
    )
    if not signature.document:
        raise Http404
    _log_view(request, signature.agreement.mentorship, action="download")
    extension = os.path.splitext(signature.document.name)[1].lower()
    return FileResponse(
        signature.document.open("rb"), as_attachment=True, filename=f"signature-{signature.pk}{extension}"
    )


@policy("mentorships.manage")
def amendment_create(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.amendment_create(
                mentorship=mentorship,
                by=request.user,
                organisation=request.organisation,
                changes=data["changes"],
                end_on=data["end_on"],
                frequency=data["frequency"] or None,
                modality=data["modality"] or None,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'avenant est prêt : imprimez-le et recueillez les signatures.")
            return _back(mentorship, "#convention")
    return render(
        request,
        "mentorships/form_page.html",
        {"form": form, "mentorship": mentorship, "title": "Avenant à la convention individuelle"},
        status=422 if form.errors else 200,
    )


# --- Launch, meetings, contacts, concerns ---------------------------------------------------------


@policy("mentorships.manage")
@require_POST
def launch(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    form = LaunchForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_launch(
                mentorship=mentorship, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le binôme est lancé. Bonne route !")
            return _back(mentorship)
    return _render_detail(request, mentorship, status=422, launch_form=form)


@policy("mentorships.manage")
@require_POST
def launch_plan(request, mentorship_id):
    """Plan the tripartite launch meeting (the mentor is reminded the day before)."""
    mentorship = _pair(request, mentorship_id, manage=True)
    form = LaunchPlanForm(request.POST)
    if form.is_valid():
        planned = mentorship.meetings.filter(kind="launch", status=MeetingStatus.PLANNED).first()
        try:
            services.meeting_save(
                mentorship=mentorship,
                meeting=planned,
                kind="launch",
                status=MeetingStatus.PLANNED,
                by=request.user,
                organisation=request.organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La rencontre de lancement est prévue.")
            return _back(mentorship, "#lancement")
    return _render_detail(request, mentorship, status=422, plan_form=form)


@policy("mentorships.manage")
def meeting_edit(request, mentorship_id, meeting_id=None):
    mentorship = _pair(request, mentorship_id, manage=True)
    meeting = get_object_or_404(mentorship.meetings, pk=meeting_id) if meeting_id else None
    initial = {}
    if meeting:
        initial = {
            f: getattr(meeting, f) for f in ("status", "modality", "duration_minutes", "note", "next_steps")
        }
        initial["at"] = timezone.localtime(meeting.at)
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(
                mentorship=mentorship,
                meeting=meeting,
                by=request.user,
                organisation=request.organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La rencontre est enregistrée.")
            return _back(mentorship, "#rencontres")
    if request.method == "POST" and not meeting:
        return _render_detail(request, mentorship, status=422, meeting_form=form)
    return render(
        request,
        "mentorships/form_page.html",
        {"form": form, "mentorship": mentorship, "title": "Rencontre du binôme"},
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
@require_POST
def contact_record(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_record(
                mentorship=mentorship, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le contact est noté.")
            return _back(mentorship, "#suivi")
    return _render_detail(request, mentorship, status=422, contact_form=form)


@policy("mentorships.manage")
@require_POST
def concern_raise(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            services.concern_raise(
                mentorship=mentorship,
                by=request.user,
                organisation=request.organisation,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.warning(request, "La préoccupation est enregistrée : le binôme passe au rouge.")
            return _back(mentorship, "#suivi")
    return _render_detail(request, mentorship, status=422, concern_form=form)


@policy("mentorships.manage")
def concern_resolve(request, concern_id):
    concern = get_object_or_404(
        Concern.objects.filter(
            mentorship__in=Mentorship.objects.managed_by(request.membership)
        ).select_related("mentorship"),
        pk=concern_id,
    )
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_resolve(
                concern=concern, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La préoccupation est traitée.")
            return _back(concern.mentorship, "#suivi")
    return render(
        request,
        "mentorships/form_page.html",
        {
            "form": form,
            "mentorship": concern.mentorship,
            "title": "Traiter une préoccupation",
            "quote": concern.message,
        },
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
@require_POST
def mentor_link(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    try:
        services.mentor_link_send(mentorship=mentorship, by=request.user, organisation=request.organisation)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, "Le lien vers son espace est envoyé au mentor par e-mail.")
    return _back(mentorship)


# --- Review, closure, reopening, renewal ----------------------------------------------------------


@policy("mentorships.review")
@require_POST
def review_record(request, mentorship_id):
    mentorship = _pair(request, mentorship_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.review_record(
                mentorship=mentorship, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if review.decision == ReviewDecision.END and can(request, "mentorships.manage"):
                messages.warning(request, "Bilan enregistré : le mentorat prend fin. Clôturez le binôme.")
                return redirect(
                    reverse("mentorships:close", kwargs={"mentorship_id": mentorship.pk})
                    + f"?motif={ClosureReason.NOT_IN_INTEREST}"
                )
            if review.decision == ReviewDecision.END:
                services.alert_staff(mentorship, "le bilan d'un binôme a décidé d'y mettre fin : clôturez-le")
                messages.warning(
                    request, "Bilan enregistré : l'association est prévenue pour clôturer le binôme."
                )
            else:
                due = review.mentorship.review_due_on
                messages.success(request, f"Bilan enregistré. Prochain bilan dû le {due:%d/%m/%Y}.")
            return _back(mentorship, "#bilans")
    return _render_detail(request, mentorship, status=422, review_form=form)


@policy("mentorships.review")
@require_POST
def project_mention(request, mentorship_id):
    """L.221-2-6 III: the mentoring is written into the youth's PPE or PAA; the referent or the staff
    record which and when."""
    mentorship = _pair(request, mentorship_id)
    form = ProjectMentionForm(request.POST)
    if form.is_valid():
        try:
            services.project_mention_record(
                mentorship=mentorship, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'inscription du mentorat dans le projet du jeune est enregistrée.")
            return _back(mentorship, "#projet")
    return _render_detail(request, mentorship, status=422, project_form=form)


@policy("mentorships.manage")
def close(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    if not mentorship.is_open:
        messages.info(request, "Ce binôme est déjà clôturé.")
        return _back(mentorship)
    initial = {"ended_on": timezone.localdate()}
    if request.GET.get("motif") in ClosureReason.values:
        initial["reason"] = request.GET["motif"]
    concerns = mentorship.concerns.filter(resolved_at__isnull=True).order_by("raised_at")
    form = ClosureForm(request.POST or None, initial=initial, concerns=concerns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentorship_close(
                mentorship=mentorship,
                by=request.user,
                organisation=request.organisation,
                reason=data["reason"],
                ended_on=data["ended_on"],
                closing_meeting_on=data["closing_meeting_on"],
                objectives_reached=data["objectives_reached"],
                mentor_may_rematch=data["mentor_may_rematch"] == "yes",
                comment=data["comment"],
                concern_resolutions=form.concern_resolutions(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                "Le binôme est clôturé. Le questionnaire de fin est envoyé au mentor ; "
                "celui du jeune est à recueillir ci-dessous.",
            )
            return _back(mentorship, "#questionnaires")
    return render(
        request,
        "mentorships/close.html",
        {
            "form": form,
            "mentorship": mentorship,
            "counted": mentorship.meetings_held,
            "open_concerns": form.concerns,
        },
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
def reopen(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_reopen(
                mentorship=mentorship, by=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le binôme est rouvert ; la clôture reste dans son historique.")
            return _back(mentorship)
    return render(
        request,
        "mentorships/form_page.html",
        {"form": form, "mentorship": mentorship, "title": "Rouvrir le binôme"},
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
@require_POST
def rematch(request, mentorship_id):
    """The youth of a closed pair still wants a mentor: back to the association's waiting list."""
    mentorship = _pair(request, mentorship_id, manage=True)
    try:
        referral = services.mentorship_rematch(
            mentorship=mentorship, by=request.user, organisation=request.organisation
        )
    except ValidationError as error:
        error_messages(request, error)
        return _back(mentorship)
    messages.success(
        request,
        "Le jeune attend un nouveau mentor, avec ses consentements et son évaluation : choisissez-le ci-dessous.",
    )
    return redirect("matching:youth_candidates", referral_id=referral.pk)


@policy("mentorships.manage")
@require_POST
def renew(request, mentorship_id):
    mentorship = _pair(request, mentorship_id, manage=True)
    try:
        renewal = services.mentorship_renew(
            mentorship=mentorship, by=request.user, organisation=request.organisation
        )
    except ValidationError as error:
        error_messages(request, error)
        return _back(mentorship)
    messages.success(request, "Nouveau binôme avec le même mentor : sa convention est à faire signer.")
    return _back(renewal)


# --- Settings and the département's view -----------------------------------------------------------


@policy("mentorships.settings")
def follow_up_settings(request):
    instance = FollowUpSettings.for_organisation(request.organisation)
    form = FollowUpSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.refresh_all_follow_ups(association=request.organisation)
        messages.success(request, "Les règles de suivi sont enregistrées ; les couleurs sont recalculées.")
        return redirect("mentorships:portfolio")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Règles de suivi des binômes", "back_url": "mentorships:portfolio"},
        status=422 if form.errors else 200,
    )


@policy("agreements.template")
def agreement_template(request):
    instance = AgreementSettings.for_organisation(request.organisation)
    form = AgreementSettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le modèle de convention individuelle est enregistré.")
        return redirect("mentorships:agreement_template")
    return render(
        request,
        "mentorships/agreement_template.html",
        {"form": form, "settings": instance},
        status=422 if form.errors else 200,
    )


@policy("agreements.template")
def agreement_template_preview(request):
    return HttpResponse(pdf.sample_pdf(request.organisation), content_type="application/pdf")


@policy("mentorships.overview")
def overview(request):
    """Share of pairs in each colour per association, and closures by type: figures only, no name."""
    departement = request.organisation
    rows = (
        Mentorship.objects.filter(departement=departement)
        .values("association")
        .annotate(
            open=Count("pk", filter=Q(state__in=["agreement", "active"])),
            green=Count("pk", filter=Q(state__in=["agreement", "active"], colour=Colour.GREEN)),
            orange=Count("pk", filter=Q(state__in=["agreement", "active"], colour=Colour.ORANGE)),
            red=Count("pk", filter=Q(state__in=["agreement", "active"], colour=Colour.RED)),
            waiting=Count("pk", filter=Q(state="agreement")),
            closed=Count("pk", filter=Q(state="closed")),
            renewals=Count("pk", filter=Q(is_renewal=True)),
            **{
                f"closed_{c.value}": Count("pk", filter=Q(state="closed", closure_category=c.value))
                for c in ClosureCategory
            },
        )
        .order_by("association")
    )
    names = dict(
        Organisation.objects.filter(pk__in=[r["association"] for r in rows]).values_list("pk", "name")
    )
    table = []
    for row in rows:
        total = row["open"] or 1
        table.append(
            {
                **row,
                "name": names.get(row["association"], "—"),
                "shares": [
                    (colour, row[colour.value], round(100 * row[colour.value] / total))
                    for colour in (Colour.GREEN, Colour.ORANGE, Colour.RED)
                ],
                "closures": [(c.label, row[f"closed_{c.value}"]) for c in ClosureCategory],
            }
        )
    table.sort(key=lambda r: r["name"])
    return render(
        request,
        "mentorships/overview.html",
        {"table": table, "categories": ClosureCategory, "can_template": can(request, "agreements.template")},
    )


# --- The mentor's space (magic link, no account) --------------------------------------------------


MENTOR_SPACE_LOG = "mentorships.espace_mentor"


def _mentor_pair(request):
    """The one pair this browser's mentor session opens, or None (never another pair)."""
    data = request.session.get(MENTOR_SESSION)
    if not data or time.time() - data.get("since", 0) > MENTOR_SESSION_SECONDS:
        return None
    access = (
        MentorAccess.objects.filter(
            pk=data.get("access"), mentorship_id=data.get("pair"), revoked_at__isnull=True
        )
        .select_related(
            "mentorship__youth", "mentorship__mentor", "mentorship__association", "mentorship__coordinator"
        )
        .first()
    )
    if access is None or access.mentorship.state == MentorshipState.CLOSED:
        return None
    return access.mentorship


def _mentor_space_closed(request):
    request.session.pop(MENTOR_SESSION, None)
    return render(request, "mentorships/mentor/no_access.html", status=401)


@policy("mentor_space")
def mentor_access(request, token):
    try:
        access = services.mentor_access_check(token)
    except services.AccessRefused as refused:
        request.session.pop(MENTOR_SESSION, None)
        if request.method == "POST" and refused.reason in ("expired", "replaced") and refused.access:
            services.mentor_link_renew(access=refused.access)
            return render(request, "mentorships/mentor/link_sent.html")
        status = {"unknown": 404, "expired": 410, "replaced": 410, "closed": 410}[refused.reason]
        return render(request, "mentorships/mentor/refused.html", {"reason": refused.reason}, status=status)
    request.session.cycle_key()
    request.session[MENTOR_SESSION] = {
        "pair": str(access.mentorship_id),
        "access": str(access.pk),
        "since": time.time(),
    }
    return redirect("mentorships:mentor_home")


def _log_mentor_read(mentorship) -> None:
    """The mentor has no account: their reads go to the access log under the association, as
    « espace mentor », so the département sees them like any other consultation of the pair."""
    log_access(
        user=None,
        organisation=mentorship.association,
        action="view",
        obj=mentorship,
        object_type=MENTOR_SPACE_LOG,
        departement=mentorship.departement,
    )


@policy("mentor_space")
def mentor_home(request):
    mentorship = _mentor_pair(request)
    if mentorship is None:
        return _mentor_space_closed(request)
    _log_mentor_read(mentorship)
    now = timezone.now()
    meetings = list(mentorship.meetings.order_by("-at")[:30])
    coordinator = mentorship.coordinator
    contact_email = coordinator.email if coordinator else mentorship.association.email
    return render(
        request,
        "mentorships/mentor/home.html",
        {
            "mentorship": mentorship,
            "upcoming": [m for m in meetings if m.status == MeetingStatus.PLANNED and m.at >= now],
            "to_complete": [m for m in meetings if m.status == MeetingStatus.PLANNED and m.at < now],
            "past": [m for m in meetings if m.status != MeetingStatus.PLANNED],
            "coordinator": coordinator,
            "contact_email": contact_email,
            "form": MeetingForm(
                for_mentor=True, initial={"status": MeetingStatus.HELD, "duration_minutes": 60}
            ),
            "pending_survey": mentorship.survey_responses.pending()
            .filter(respondent=Respondent.MENTOR, token_hash__gt="")
            .exists(),
        },
    )


@policy("mentor_space")
def mentor_meeting(request, meeting_id=None):
    mentorship = _mentor_pair(request)
    if mentorship is None:
        return _mentor_space_closed(request)
    meeting = get_object_or_404(mentorship.meetings, pk=meeting_id) if meeting_id else None
    if meeting is not None and request.method == "GET":
        _log_mentor_read(mentorship)
    initial = {"status": MeetingStatus.HELD, "duration_minutes": 60}
    if meeting:
        initial = {
            "at": timezone.localtime(meeting.at),
            "status": MeetingStatus.HELD,
            "modality": meeting.modality,
        }
    form = MeetingForm(request.POST or None, for_mentor=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(mentorship=mentorship, meeting=meeting, by_mentor=True, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Merci, c'est noté.")
            return redirect("mentorships:mentor_home")
    return render(
        request,
        "mentorships/mentor/meeting.html",
        {"form": form, "mentorship": mentorship, "meeting": meeting},
        status=422 if form.errors else 200,
    )


@policy("mentor_space")
def mentor_concern(request):
    mentorship = _mentor_pair(request)
    if mentorship is None:
        return _mentor_space_closed(request)
    form = ConcernForm(request.POST or None, for_mentor=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(
                mentorship=mentorship, message=form.cleaned_data["message"], by_mentor=True
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, "Votre chargé·e de mentorat est prévenu·e et vous recontacte rapidement."
            )
            return redirect("mentorships:mentor_home")
    return render(
        request,
        "mentorships/mentor/concern.html",
        {"form": form, "mentorship": mentorship},
        status=422 if form.errors else 200,
    )


@policy("mentor_space")
@require_POST
def mentor_logout(request):
    request.session.pop(MENTOR_SESSION, None)
    return render(request, "mentorships/mentor/logged_out.html")
