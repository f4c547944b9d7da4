"""Pulse and exit surveys: the mentor answers through the e-mailed link; the youth's answers are collected
by the coordinator or through a link handed over. Answers are rows the steering counts."""

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.conventions.models import Convention
from binome.mentorships import services
from binome.mentorships.models import ClosureReason
from binome.surveys.models import Respondent, SurveyAnswer, SurveyKind
from tests.mentorships.factories import active_pair

IMPACT = [
    "self_confidence",
    "grades",
    "internship_job",
    "psychosocial",
    "someone_to_count_on",
    "satisfaction",
]


def page(response):
    return html.unescape(response.content.decode())


def close(pair, by):
    services.mentorship_close(
        mentorship=pair,
        by=by,
        reason=ClosureReason.PLANNED_END,
        objectives_reached="yes",
        mentor_may_rematch=True,
    )


def survey_link(mail):
    return re.search(r"https?://[^/\s]+(/questionnaires/r/[^/\s]+/)", mail.body).group(1)


def test_the_exit_survey_asks_the_impact_questions_with_the_conventions_key_indicators_first(world, people):
    Convention.objects.filter(association=world["association"]).update(
        key_indicators=["someone_to_count_on", "time_to_match", "grades"]
    )
    pair = active_pair(world, people["coordinator"], started_days_ago=200)
    close(pair, people["coordinator"])
    youth_survey = pair.survey_responses.get(kind=SurveyKind.EXIT, respondent=Respondent.YOUTH)
    assert youth_survey.questions[:2] == ["someone_to_count_on", "grades"]
    assert sorted(youth_survey.questions) == sorted(IMPACT)


def test_the_mentor_answers_the_exit_survey_through_the_link(world, people, mailoutbox):
    pair = active_pair(world, people["coordinator"], started_days_ago=200)
    mailoutbox.clear()
    close(pair, people["coordinator"])
    [mail] = mailoutbox
    url = survey_link(mail)
    client = Client()
    form = client.get(url)
    assert form.status_code == 200
    shown = page(form)
    assert "Grâce au mentorat, le jeune a davantage confiance en lui ou en elle." in shown
    assert "Ne s'applique pas" in shown
    answers = dict.fromkeys(IMPACT, "4")
    response = client.post(url, {**answers, "grades": "", "comment": "Merci"})
    assert response.status_code == 422
    assert "Choisissez une réponse." in page(response)
    response = client.post(url, {**answers, "grades": "0", "comment": "Merci"})
    assert response.status_code == 200 and "Merci pour vos réponses" in page(response)
    survey = pair.survey_responses.get(kind=SurveyKind.EXIT, respondent=Respondent.MENTOR)
    assert survey.answered_at and survey.comment == "Merci"
    assert SurveyAnswer.objects.filter(response=survey, value=4).count() == 5
    assert SurveyAnswer.objects.get(response=survey, question="grades").value is None
    again = client.get(url)
    assert again.status_code == 410 and "n'est plus disponible" in page(again)


def test_the_coordinator_enters_the_youths_answers(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=200)
    close(pair, people["coordinator"])
    survey = pair.survey_responses.get(kind=SurveyKind.EXIT, respondent=Respondent.YOUTH)
    url = reverse("surveys:enter", args=[survey.pk])
    client = client_for(people["coordinator"])
    shown = page(client.get(url))
    assert "Grâce au mentorat, j'ai davantage confiance en moi." in shown
    response = client.post(url, dict.fromkeys(IMPACT, "5"))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.entered_by == people["coordinator"] and survey.answered_at
    assert (
        SurveyAnswer.objects.filter(
            response__mentorship=pair, question="self_confidence", value__gte=4
        ).count()
        == 1
    )
    # A referrer enters answers only for a pair their own service coordinates (art. D.221-36).
    assert client_for(people["referrer"]).get(url).status_code == 404
    assert client_for(people["other_coordinator"]).get(url).status_code in (403, 404)


def test_a_link_for_the_youth_is_shown_once_and_expires(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=200)
    close(pair, people["coordinator"])
    survey = pair.survey_responses.get(kind=SurveyKind.EXIT, respondent=Respondent.YOUTH)
    response = client_for(people["coordinator"]).post(
        reverse("surveys:youth_link", args=[survey.pk]), follow=True
    )
    url = re.search(r"https?://[^/\s]+(/questionnaires/r/[^/\s]+/)", page(response)).group(1)
    shown = page(Client().get(url))
    assert "Grâce au mentorat, j'ai trouvé un stage, une formation ou un emploi." in shown
    assert "ne sont pas transmises à ton mentor" in shown
    with freeze_time(timezone.now() + timezone.timedelta(days=31)):
        assert Client().get(url).status_code == 410


def test_a_pulse_survey_is_closed_when_the_pair_ends(world, people):
    pair = active_pair(world, people["coordinator"], started_days_ago=40)
    from binome.surveys.services import pulse_open

    [_youth, mentor_survey] = sorted(
        pulse_open(mentorship=pair, due_on=timezone.localdate(), email_mentor=False),
        key=lambda r: r.respondent,
    )
    close(pair, people["coordinator"])
    assert not pair.survey_responses.filter(kind=SurveyKind.PULSE).pending().exists()
    mentor_survey.refresh_from_db()
    assert mentor_survey.cancelled_at is not None
