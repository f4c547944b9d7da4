"""The pilot adds the associations she works with; the platform administrator creates départements,
sees every organisation and its members, and closes an account — without the Django admin."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from binome.accounts import onboarding
from binome.accounts.forms import AssociationForm, DepartementSetupForm, OrganisationDetailsForm
from binome.accounts.models import Membership, Organisation, User
from binome.accounts.perms import policy
from binome.audit.services import log_access
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.ids import parse_uuid
from binome.utils.search import remembered_search, search

# --- The pilot: find an association on the platform, or create it ---------------------------------


@policy("partners.manage")
def association_find(request):
    terms, response = remembered_search(request, "associations")
    if response:
        return response
    departement = request.organisation
    results = list(onboarding.association_search(terms))
    conventions = {
        c.association_id: c
        for c in departement.conventions_as_departement.filter(association__in=results).order_by(
            "-start_date"
        )
    }
    for association in results:
        association.my_convention = conventions.get(association.pk)
        association.is_home = association.home_departement_id == departement.pk
    return render(
        request,
        "accounts/association_find.html",
        {"terms": terms, "results": results, "searched": len(terms) >= 3},
    )


@policy("partners.manage")
def association_create(request):
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association, invitation = onboarding.association_create(
                departement=request.organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if invitation:
                messages.success(
                    request,
                    "L'association est ajoutée et sa ou son responsable a reçu une invitation. "
                    "Rédigez maintenant la convention.",
                )
            else:
                messages.success(
                    request, "L'association est ajoutée. Invitez maintenant sa ou son responsable."
                )
            return redirect("accounts:partner_detail", organisation_id=association.pk)
    return render(
        request, "accounts/association_form.html", {"form": form}, status=422 if form.errors else 200
    )


# --- Coordinates: name, register numbers, contact details ------------------------------------------


def _details_edit(request, organisation, back_url):
    form = OrganisationDetailsForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = onboarding.organisation_details_update(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Coordonnées enregistrées." if changed else "Rien n'a changé.")
            return redirect(back_url)
    return render(
        request,
        "accounts/organisation_details_form.html",
        {"form": form, "organisation": organisation, "back_url": back_url},
        status=422 if form.errors else 200,
    )


@policy("org.details")
def own_details_edit(request):
    return _details_edit(request, request.organisation, reverse("accounts:members"))


@policy("partners.manage")
def partner_details_edit(request, organisation_id):
    partner = get_object_or_404(
        Organisation.objects.known_to(request.organisation).exclude(pk=request.organisation.pk),
        pk=organisation_id,
    )
    if not onboarding.details_editable_by_departement(request.organisation, partner):
        raise Http404
    return _details_edit(request, partner, reverse("accounts:partner_detail", args=[partner.pk]))


@policy("platform.admin")
def platform_details_edit(request, organisation_id):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return _details_edit(
        request, organisation, reverse("accounts:platform_organisation", args=[organisation.pk])
    )


# --- Platform administrator -----------------------------------------------------------------------

KIND_FILTERS = {"departements": "departement", "associations": "association", "services": "ase_service"}


@policy("platform.admin")
def platform_organisations(request):
    terms, response = remembered_search(request, "platform_organisations")
    if response:
        return response
    kind = request.GET.get("type", "")
    organisations = (
        Organisation.objects.select_related("departement", "home_departement")
        .annotate(
            active_members=Count(
                "memberships",
                filter=Q(memberships__is_active=True, memberships__user__is_active=True),
                distinct=True,
            )
        )
        .order_by("kind", "name")
    )
    if kind in KIND_FILTERS:
        organisations = organisations.filter(kind=KIND_FILTERS[kind])
    organisations = onboarding.organisation_search(organisations, terms)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/platform_organisations.html",
        {
            "page": page,
            "terms": terms,
            "kind": kind,
            "kinds": [
                ("", "Toutes"),
                ("departements", "Départements"),
                ("associations", "Associations"),
                ("services", "Services ASE"),
            ],
            "query": f"type={kind}" if kind in KIND_FILTERS else "",
        },
    )


@policy("platform.admin")
def platform_organisation(request, organisation_id):
    organisation = get_object_or_404(
        Organisation.objects.select_related("departement", "home_departement"), pk=organisation_id
    )
    memberships = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    log_access(user=request.user, organisation=organisation, action="list", object_type="accounts.membership")
    return render(
        request,
        "accounts/platform_organisation.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": organisation.invitations.pending(),
            "conventions": (
                organisation.conventions_as_departement.all() | organisation.conventions_as_association.all()
            ).select_related("departement", "association"),
        },
    )


@policy("platform.admin")
def platform_departement_create(request):
    form = DepartementSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = onboarding.departement_setup(
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                pilot_email=form.cleaned_data["pilot_email"],
                reinvite=form.cleaned_data["reinvite"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # Kept in the server-side session, shown once by the page the browser is sent to: a double
            # click lands there too (utils.submit_once), and the one-time link never travels in a cookie.
            request.session[SETUP_RESULT] = {
                "organisation": str(report.organisation.pk),
                "changes": report.changes,
                "notes": report.notes,
                "link": settings.BINOME_SITE_URL.rstrip("/") + report.link_path if report.link_path else "",
            }
            return redirect("accounts:platform_departement_done")
    return render(
        request,
        "accounts/platform_departement_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


SETUP_RESULT = "platform:departement_setup"


@policy("platform.admin")
def platform_departement_done(request):
    result = request.session.pop(SETUP_RESULT, None)
    if result is None:  # already shown (a reload): the département's page says the rest
        return redirect("accounts:platform_organisations")
    organisation = get_object_or_404(Organisation, pk=result.pop("organisation"))
    return render(
        request, "accounts/platform_departement_done.html", {**result, "organisation": organisation}
    )


@policy("platform.admin")
@require_POST
def platform_account_deactivate(request, user_id):
    return _account_change(
        request,
        user_id,
        onboarding.account_deactivate,
        "Le compte est désactivé : ses sessions sont fermées.",
    )


@policy("platform.admin")
@require_POST
def platform_account_reactivate(request, user_id):
    return _account_change(
        request,
        user_id,
        onboarding.account_reactivate,
        "Le compte est réactivé : la personne peut de nouveau se connecter.",
    )


def _account_change(request, user_id, change, done: str):
    """Deactivate or reactivate an account, then back to the organisation page it was done from."""
    account = get_object_or_404(User, pk=user_id)
    try:
        change(user=account, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, done)
    if request.POST.get("back") == "accounts":
        return redirect("accounts:platform_accounts")
    organisation_id = parse_uuid(request.POST.get("organisation"))
    if organisation_id and Organisation.objects.filter(pk=organisation_id).exists():
        return redirect("accounts:platform_organisation", organisation_id=organisation_id)
    return redirect("accounts:platform_organisations")


@policy("platform.admin")
def platform_accounts(request):
    """Every account by its e-mail, with or without a membership: platform administrators and
    people whose organisations all withdrew them appear on no organisation's page."""
    terms, response = remembered_search(request, "platform_accounts")
    if response:
        return response
    accounts = User.objects.none()
    if terms:
        accounts = (
            User.objects.filter(
                Q(email__icontains=terms.strip().lower())
                | Q(pk__in=search(User.objects.all(), terms, "last_name", "first_name").values("pk"))
            )
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(is_active=True).select_related("organisation"),
                    to_attr="current_memberships",
                )
            )
            .order_by("email")[:50]
        )
        log_access(user=request.user, organisation=None, action="list", object_type="accounts.user")
    return render(request, "accounts/platform_accounts.html", {"terms": terms, "accounts": accounts})
