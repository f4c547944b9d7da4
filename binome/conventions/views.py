import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.audit.services import log_access
from binome.conventions import services
from binome.conventions.forms import ConventionForm
from binome.conventions.models import CapacityCheck, Convention
from binome.utils.choices import Modality
from binome.utils.forms import apply_validation_error, error_messages
from binome.utils.ids import parse_uuid


def _conventions(request):
    return Convention.objects.visible_to(request.membership).select_related(
        "departement", "association", "reporting_lead"
    )


@policy("conventions.view")
def convention_list(request):
    return render(request, "conventions/convention_list.html", {"conventions": _conventions(request)})


@policy("conventions.view")
def convention_detail(request, convention_id):
    convention = get_object_or_404(_conventions(request), pk=convention_id)
    modalities = [Modality(m).label for m in convention.modalities if m in Modality.values]
    return render(
        request,
        "conventions/convention_detail.html",
        {
            "convention": convention,
            "modalities": modalities,
            # The capacity check is the département's own file: the association sees only that it exists.
            "capacity_check": convention.capacity_check,
            "is_departement": request.organisation.is_departement,
        },
    )


@policy("conventions.view")
def capacity_evidence(request, check_id):
    """The evidence of a capacity check, for the département's people only."""
    if not request.organisation.is_departement:
        raise Http404
    check = get_object_or_404(
        CapacityCheck.objects.filter(convention__in=_conventions(request)).select_related("convention"),
        pk=check_id,
    )
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="download",
        obj=check,
        departement=check.convention.departement,
    )
    extension = os.path.splitext(check.evidence.name)[1].lower()
    return FileResponse(
        check.evidence.open("rb"),
        as_attachment=True,
        filename=f"verification-capacites-{check.pk}{extension}",
    )


@policy("conventions.manage")
def convention_edit(request, convention_id=None):
    convention = get_object_or_404(_conventions(request), pk=convention_id) if convention_id else None
    # « Proposer une convention » from the association search names the association.
    proposed = parse_uuid(request.GET.get("association")) if convention is None else None
    form = ConventionForm(
        request.POST or None,
        request.FILES or None,
        instance=convention,
        departement=request.organisation,
        initial={"association": proposed} if proposed else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = services.convention_save(
                    convention=form.save(commit=False), by=request.user, capacity_check=form.capacity_check()
                )
                form.save_m2m()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if saved.accepted_at is None and saved.declined_at is None:
                messages.success(
                    request,
                    "La convention est enregistrée. L'association n'est pas implantée dans le département : "
                    "elle entrera en vigueur quand son ou sa responsable l'aura acceptée (un e-mail lui est "
                    "envoyé).",
                )
            else:
                messages.success(request, "La convention est enregistrée.")
            return redirect("conventions:convention_detail", convention_id=saved.pk)
    return render(
        request,
        "conventions/convention_form.html",
        {"form": form, "convention": convention},
        status=422 if form.errors else 200,
    )


def _convention_answer(request, convention_id, service, message):
    convention = get_object_or_404(
        _conventions(request).filter(association=request.organisation), pk=convention_id
    )
    try:
        service(convention=convention, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, message)
    return redirect("conventions:convention_detail", convention_id=convention.pk)


@policy("conventions.answer")
@require_POST
def convention_accept(request, convention_id):
    return _convention_answer(
        request,
        convention_id,
        services.convention_accept,
        "Convention acceptée : le département peut désormais vous orienter des jeunes et contrôler "
        "l'honorabilité de vos mentors.",
    )


@policy("conventions.answer")
@require_POST
def convention_decline(request, convention_id):
    return _convention_answer(
        request,
        convention_id,
        services.convention_decline,
        "Convention refusée : le département n'a accès à rien de votre association.",
    )
