"""Record an association's Label Mentorat: its manager from the team page, a pilot from the partner's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from binome.accounts.labels import LabelForm, label_record
from binome.accounts.models import Organisation, Role
from binome.accounts.perms import policy
from binome.utils.forms import apply_validation_error


def _edit(request, association, back_url, back_label, done_url):
    form = LabelForm.for_association(association, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            label_record(association=association, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le Label Mentorat de l'association est enregistré.")
            return redirect(done_url)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Label Mentorat — {association}",
            "back_url": back_url,
            "back_label": back_label,
        },
        status=422 if form.errors else 200,
    )


@policy("label.record")
def own_label_edit(request):
    """The association's manager records its own label."""
    if request.membership.role != Role.MANAGER or not request.organisation.is_association:
        raise Http404
    return _edit(request, request.organisation, "accounts:members", "Équipe", reverse("accounts:members"))


@policy("label.record")
def partner_label_edit(request, organisation_id):
    """The département's pilot records the label of an association it knows."""
    if request.membership.role != Role.PILOT:
        raise Http404
    known = Organisation.objects.known_to(request.organisation).associations()
    association = get_object_or_404(known, pk=organisation_id)
    done_url = reverse("accounts:partner_detail", kwargs={"organisation_id": association.pk})
    return _edit(request, association, "accounts:partner_list", "Partenaires", done_url)
