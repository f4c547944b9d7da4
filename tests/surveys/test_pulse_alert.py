"""The mentor's check-in questionnaire raises an alert when an answer falls under the association's threshold
(issue 14): the pair turns orange and the coordinator is told, until the next staff contact."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.mentorships import followup, services
from binome.mentorships.models import Colour, FollowUpSettings
from binome.surveys.models import Respondent
from binome.surveys.services import pulse_open, survey_answer
from tests.mentorships.factories import active_pair


def mentor_pulse(pair):
    [response] = [
        r for r in pulse_open(mentorship=pair, due_on=timezone.localdate()) if r.respondent == "mentor"
    ]
    return response


def answers(response, value):
    return dict.fromkeys(response.questions, value)


def test_a_low_answer_turns_the_pair_orange_and_alerts_the_coordinator(world, people, mailoutbox):
    pair = active_pair(world, people["coordinator"], started_days_ago=10)
    services.contact_record(
        mentorship=pair,
        by=people["coordinator"],
        organisation=world["association"],
        on=timezone.localdate() - datetime.timedelta(days=1),
        channel="call",
        with_whom="mentor",
    )
    pair.refresh_from_db()
    assert pair.colour == Colour.GREEN
    response = mentor_pulse(pair)
    mailoutbox.clear()
    values = answers(response, 4)
    values[response.questions[0]] = 2  # one answer under the default threshold of 3
    survey_answer(response=response, values=values)
    pair.refresh_from_db()
    assert pair.colour == Colour.ORANGE and pair.pulse_alert_on == timezone.localdate()
    assert pair.colour_reason.startswith("Questionnaire du mentor préoccupant")
    [alert] = mailoutbox
    assert alert.to == [people["coordinator"].email] and "rappelez-le" in alert.body
    assert pair.youth.first_name not in alert.subject
    # The coordinator calls the mentor back: the alert is lifted.
    services.contact_record(
        mentorship=pair,
        by=people["coordinator"],
        organisation=world["association"],
        on=timezone.localdate(),
        channel="call",
        with_whom="mentor",
    )
    pair.refresh_from_db()
    assert pair.pulse_alert_on is None and pair.colour == Colour.GREEN


def test_answers_at_the_threshold_or_the_youths_raise_nothing(world, people, mailoutbox):
    pair = active_pair(world, people["coordinator"], started_days_ago=10)
    FollowUpSettings.objects.create(association=world["association"], pulse_alert_below=2)
    response = mentor_pulse(pair)
    mailoutbox.clear()
    survey_answer(response=response, values=answers(response, 2))  # 2 is not under 2
    youth = pair.survey_responses.get(respondent=Respondent.YOUTH, answered_at__isnull=True)
    survey_answer(response=youth, values=answers(youth, 1))  # the youth's answers are not the mentor's
    pair.refresh_from_db()
    assert pair.pulse_alert_on is None and not mailoutbox


def test_the_threshold_is_between_1_and_5():
    with pytest.raises(ValidationError):
        FollowUpSettings(pulse_alert_below=6).full_clean(exclude=["association"])


def test_a_red_pair_stays_red_with_a_pulse_alert():
    rules = followup.Rules()
    today = datetime.date(2026, 5, 4)
    started = today - datetime.timedelta(days=90)
    status = followup.status(
        state="active", today=today, rules=rules, started_on=started, pulse_alert_on=today
    )
    assert status.colour == "red"  # no meeting nor contact since the launch: red wins
    fresh = followup.status(
        state="active",
        today=today,
        rules=rules,
        started_on=started,
        last_contact_on=today,
        last_meeting_on=today,
        contacts_in_first_month=2,
        pulse_alert_on=today,
    )
    assert (fresh.colour, fresh.reason) == ("orange", "Questionnaire du mentor préoccupant le 04/05/2026")
