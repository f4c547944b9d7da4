"""Art. D.221-36 for an ASE service: the youths whose mentoring the département gave to the service, failing
an association, and the pairing with one of its own mentors (vetted by the département). The pair then
follows the usual pages, the service's staff in the coordinator's part (`Mentorship.objects.managed_by`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.audit.services import log_access
from binome.mentors.models import Mentor
from binome.mentorships import services
from binome.utils.forms import error_messages
from binome.youths.ase_coordination import awaiting_mentor


class ServicePairForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label="Mentor",
        queryset=Mentor.objects.none(),
        empty_label="— choisir un mentor —",
        error_messages={
            "required": "Choisissez le mentor.",
            "invalid_choice": "Ce mentor n'est pas disponible.",
        },
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = available_mentors(service)


def available_mentors(service):
    """The service's own mentors that may take a youth today: ready, trained, honorability checked by the
    département and valid, a place left."""
    return Mentor.objects.filter(association=service).matchable().order_by("last_name", "first_name")


def _service(request):
    if not request.organisation.is_ase_service:
        raise Http404
    return request.organisation


@policy("mentorships.coordinate")
def service_pairing(request):
    service = _service(request)
    referrals = list(awaiting_mentor(service))
    log_access(user=request.user, organisation=service, action="list", object_type="youths.referral")
    return render(
        request,
        "mentorships/service_pairing.html",
        {
            "referrals": [(r, ServicePairForm(service=service, prefix=str(r.pk))) for r in referrals],
            "mentors": available_mentors(service),
        },
    )


@policy("mentorships.coordinate")
@require_POST
def service_pair_create(request, referral_id):
    service = _service(request)
    referral = get_object_or_404(awaiting_mentor(service), pk=referral_id)
    form = ServicePairForm(request.POST, service=service, prefix=str(referral.pk))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("mentorships:service_pairing")
    try:
        mentorship = services.mentorship_create(
            referral=referral, mentor=form.cleaned_data["mentor"], by=request.user, organisation=service
        )
    except ValidationError as error:
        error_messages(request, error)
        return redirect("mentorships:service_pairing")
    messages.success(request, "Binôme formé : préparez la convention individuelle et faites-la signer.")
    return redirect("mentorships:detail", mentorship_id=mentorship.pk)
