from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from binome.accounts import services
from binome.accounts.forms import AcceptInvitationForm, AseServiceForm, InvitationForm
from binome.accounts.models import Invitation, Membership, Organisation
from binome.accounts.onboarding import details_editable_by_departement
from binome.accounts.perms import can, policy
from binome.accounts.session_keys import SESSION_MEMBERSHIP
from binome.audit.services import log_access
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.french import a
from binome.utils.ids import parse_uuid

# --- Current organisation --------------------------------------------------------------------


@policy("account")
@require_POST
def organisation_switch(request):
    membership = get_object_or_404(
        request.user.active_memberships(), pk=parse_uuid(request.POST.get("membership"))
    )
    request.session[SESSION_MEMBERSHIP] = str(membership.pk)
    messages.success(request, f"Vous travaillez maintenant pour : {membership.organisation}.")
    return redirect("home")


# --- Members of the current organisation ---------------------------------------------------------


def _members_context(request, organisation, invite_form=None):
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )
    context = {"organisation": organisation, "memberships": memberships}
    if can(request, "org.details"):
        context["details_url"] = reverse("accounts:own_details_edit")
    if can(request, "members.manage"):
        context["invitations"] = organisation.invitations.pending().select_related("invited_by")
        context["invite_form"] = invite_form or InvitationForm(organisation=organisation)
    return context


@policy("org.view")
def members(request):
    log_access(
        user=request.user, organisation=request.organisation, action="list", object_type="accounts.membership"
    )
    return render(request, "accounts/members.html", _members_context(request, request.organisation))


def _invite(request, organisation, on_error_template, context_builder):
    form = InvitationForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'invitation a été envoyée. Le lien est valable quelques jours.")
            return None
    return render(request, on_error_template, context_builder(form), status=422)


@policy("members.manage")
@require_POST
def member_invite(request):
    organisation = request.organisation
    response = _invite(
        request,
        organisation,
        "accounts/members.html",
        lambda form: _members_context(request, organisation, invite_form=form),
    )
    return response or redirect("accounts:members")


@policy("members.manage")
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(_manageable_invitations(request), pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, "L'invitation a été annulée.")
    if invitation.organisation_id != request.organisation.pk:
        return redirect("accounts:partner_detail", organisation_id=invitation.organisation_id)
    return redirect("accounts:members")


def _manageable_invitations(request):
    """Invitations of the current organisation, and for a département pilot those of its partners."""
    organisations = [request.organisation.pk]
    if can(request, "partners.manage"):
        organisations += list(
            Organisation.objects.known_to(request.organisation).values_list("pk", flat=True)
        )
    return Invitation.objects.filter(organisation__in=organisations)


@policy("members.manage")
@require_POST
def member_deactivate(request, membership_id):
    membership = get_object_or_404(
        Membership.objects.filter(organisation=request.organisation).select_related("user", "organisation"),
        pk=membership_id,
    )
    try:
        services.membership_deactivate(membership=membership, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, f"{membership.user} n'a plus accès {a(membership.organisation)}.")
    return redirect("accounts:members")


# --- Accepting an invitation ----------------------------------------------------------------------


@policy("public")
def invitation_accept(request, token):
    invitation = services.invitation_from_token(token)
    if invitation is None or not invitation.is_pending:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"status": invitation.status if invitation else None},
            status=410 if invitation else 404,
        )

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                error_messages(request, error)
                return redirect("home")
            request.session[SESSION_MEMBERSHIP] = str(membership.pk)
            messages.success(request, f"Bienvenue dans {membership.organisation}.")
            return redirect("home")
        return render(request, "accounts/invitation_accept_logged_in.html", {"invitation": invitation})

    from binome.accounts.models import User

    if User.objects.filter(email=invitation.email).exists():
        return render(request, "accounts/invitation_login_first.html", {"invitation": invitation})

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_MEMBERSHIP] = str(membership.pk)
            messages.success(request, "Votre compte est créé. Dernière étape : la double authentification.")
            return redirect("home")
    return render(
        request,
        "accounts/invitation_signup.html",
        {"invitation": invitation, "form": form},
        status=422 if form.errors else 200,
    )


# --- The département's partners: associations and ASE services -------------------------------------


def _partners(request):
    return Organisation.objects.known_to(request.organisation).exclude(pk=request.organisation.pk)


@policy("partners.view")
def partner_list(request):
    partners = (
        _partners(request)
        .annotate(active_members=Count("memberships", filter=Q(memberships__is_active=True), distinct=True))
        .order_by("kind", "name")
    )
    return render(
        request,
        "accounts/partner_list.html",
        {
            "associations": [p for p in partners if p.is_association],
            "ase_services": [p for p in partners if p.is_ase_service],
            # Conventions through the reverse relation: accounts sits below the conventions app.
            "awaiting": request.organisation.conventions_as_departement.awaiting_acceptance().select_related(
                "association"
            ),
        },
    )


def _partner_context(request, partner, invite_form=None):
    context = {
        "partner": partner,
        "memberships": partner.memberships.filter(is_active=True).select_related("user"),
        "conventions": request.organisation.conventions_as_departement.filter(association=partner),
    }
    if can(request, "partners.manage"):
        context["details_editable"] = details_editable_by_departement(request.organisation, partner)
        context["invitations"] = partner.invitations.pending()
        context["invite_form"] = invite_form or InvitationForm(organisation=partner)
    return context


@policy("partners.view")
def partner_detail(request, organisation_id):
    partner = get_object_or_404(_partners(request), pk=organisation_id)
    log_access(user=request.user, organisation=request.organisation, action="view", obj=partner)
    return render(request, "accounts/partner_detail.html", _partner_context(request, partner))


@policy("partners.manage")
@require_POST
def partner_invite(request, organisation_id):
    partner = get_object_or_404(_partners(request), pk=organisation_id)
    response = _invite(
        request,
        partner,
        "accounts/partner_detail.html",
        lambda form: _partner_context(request, partner, invite_form=form),
    )
    return response or redirect("accounts:partner_detail", organisation_id=partner.pk)


@policy("partners.manage")
def ase_service_create(request):
    form = AseServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.ase_service_create(
                departement=request.organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le service est créé. Invitez maintenant ses référents.")
            return redirect("accounts:partner_detail", organisation_id=service.pk)
    return render(
        request, "accounts/ase_service_form.html", {"form": form}, status=422 if form.errors else 200
    )
