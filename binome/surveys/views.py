from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.audit.services import log_access
from binome.mentorships.models import Mentorship
from binome.surveys import services
from binome.surveys.forms import SurveyForm
from binome.surveys.models import Respondent, SurveyResponse
from binome.utils.forms import apply_validation_error


@policy("surveys.answer")
def answer(request, token):
    """The page a mentor (e-mailed link) or a youth (link handed over) answers on. No account."""
    response = services.response_by_token(token)
    if response is None or not response.link_valid:
        return render(request, "surveys/unavailable.html", status=410)
    form = SurveyForm(request.POST or None, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                response=response, values=form.values(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(request, "surveys/thanks.html", {"response": response})
    return render(
        request,
        "surveys/answer.html",
        {"form": form, "response": response, "association": response.mentorship.association},
        status=422 if form.errors else 200,
    )


def _youth_response(request, response_id):
    pairs = Mentorship.objects.managed_by(request.membership)
    return get_object_or_404(
        SurveyResponse.objects.filter(mentorship__in=pairs, respondent=Respondent.YOUTH).select_related(
            "mentorship__youth"
        ),
        pk=response_id,
    )


def _back(response):
    return redirect(
        reverse("mentorships:detail", kwargs={"mentorship_id": response.mentorship_id}) + "#questionnaires"
    )


@policy("mentorships.manage")
def enter(request, response_id):
    """The coordinator fills the youth's questionnaire with the youth (by phone or at a meeting)."""
    response = _youth_response(request, response_id)
    if not response.is_open:
        messages.info(request, "Ce questionnaire n'est plus ouvert.")
        return _back(response)
    form = SurveyForm(request.POST or None, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                response=response, values=form.values(), comment=form.cleaned_data["comment"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            log_access(
                user=request.user, organisation=request.organisation, action="update", obj=response.mentorship
            )
            messages.success(request, "Les réponses du jeune sont enregistrées.")
            return _back(response)
    return render(
        request,
        "surveys/enter.html",
        {"form": form, "response": response, "mentorship": response.mentorship},
        status=422 if form.errors else 200,
    )


@policy("mentorships.manage")
@require_POST
def youth_link(request, response_id):
    """A link for the youth to answer alone; shown once, to hand over by message."""
    response = _youth_response(request, response_id)
    if not response.is_open:
        messages.info(request, "Ce questionnaire n'est plus ouvert.")
        return _back(response)
    token = services.link_create(response)
    url = request.build_absolute_uri(services.answer_url(token))
    messages.success(
        request,
        f"Lien à transmettre au jeune (valable {services.LINK_DAYS} jours, affiché une seule fois) : {url}",
    )
    return _back(response)
