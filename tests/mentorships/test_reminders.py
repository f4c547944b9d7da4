"""Daily reminders of the pair lifecycle, with the clock moved: each fires once, on the right day."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.mentorships import services
from binome.mentorships.reminders import send_pair_reminders
from binome.surveys.models import Respondent, SurveyKind, SurveyResponse
from tests.mentorships.factories import active_pair, backdate

TZ = timezone.get_current_timezone()


def at(day, hour=7, minute=50):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def no_names(mail, mentorship):
    for name in (mentorship.youth.first_name, mentorship.youth.last_name, mentorship.mentor.last_name):
        assert name not in mail.subject
    assert mail.alternatives and mail.alternatives[0][1] == "text/html"


@pytest.fixture
def pair(world, people):
    return active_pair(world, people["coordinator"], started_days_ago=3)


def test_the_mentor_is_reminded_the_day_before_a_planned_meeting_once(pair, people, mailoutbox):
    today = timezone.localdate()
    tomorrow_evening = at(today + datetime.timedelta(days=1), 18, 0)
    services.meeting_save(
        mentorship=pair, at=tomorrow_evening, status="planned", modality="in_person", by=people["coordinator"]
    )
    mailoutbox.clear()
    with freeze_time(at(today)):
        send_pair_reminders()
        send_pair_reminders()
    before = [m for m in mailoutbox if "prévue demain" in m.subject]
    assert len(before) == 1 and before[0].to == [pair.mentor.email]
    no_names(before[0], pair)
    assert "18:00" in before[0].body
    assert re.search(r"/binomes/espace-mentor/acces/[^/\s]+/", before[0].body)


def test_a_reminder_carries_the_pairs_one_valid_link(pair, people, mailoutbox):
    """The reminder's link replaces the coordinator's earlier one: never two valid links at once."""
    services.mentor_link_send(mentorship=pair, by=people["coordinator"])
    [earlier] = mailoutbox
    services.meeting_save(
        mentorship=pair,
        at=at(timezone.localdate() + datetime.timedelta(days=1), 18, 0),
        status="planned",
        modality="in_person",
        by=people["coordinator"],
    )
    mailoutbox.clear()
    with freeze_time(at(timezone.localdate())):
        send_pair_reminders()
    [reminder] = [m for m in mailoutbox if "prévue demain" in m.subject]
    assert pair.mentor_accesses.filter(revoked_at__isnull=True).count() == 1
    link = re.compile(r"/binomes/espace-mentor/acces/[^/\s]+/")
    assert Client().get(link.search(reminder.body).group(0)).status_code == 302
    assert Client().get(link.search(earlier.body).group(0)).status_code == 410


def test_the_mentor_is_asked_to_log_a_meeting_left_planned_the_day_after(pair, people, mailoutbox):
    today = timezone.localdate()
    meeting_day = today + datetime.timedelta(days=1)
    services.meeting_save(
        mentorship=pair,
        at=at(meeting_day, 18, 0),
        status="planned",
        modality="remote",
        by=people["coordinator"],
    )
    mailoutbox.clear()
    with freeze_time(at(meeting_day)):
        send_pair_reminders()  # the day of the meeting: nothing (the « before » went yesterday or never)
    assert not [m for m in mailoutbox if "Comment s" in m.subject]
    for offset in (1, 2, 3):
        with freeze_time(at(meeting_day + datetime.timedelta(days=offset))):
            send_pair_reminders()
    after = [m for m in mailoutbox if "Comment s" in m.subject]
    assert len(after) == 1 and after[0].to == [pair.mentor.email]
    no_names(after[0], pair)


def test_a_meeting_logged_in_time_gets_no_reminder_after(pair, people, mailoutbox):
    today = timezone.localdate()
    meeting = services.meeting_save(
        mentorship=pair,
        at=at(today, 18, 0) + datetime.timedelta(hours=1),
        status="planned",
        modality="remote",
        by=people["coordinator"],
    )
    with freeze_time(at(today, 21, 0)):
        services.meeting_save(
            mentorship=pair, meeting=meeting, at=meeting.at, status="held", modality="remote", by_mentor=True
        )
    mailoutbox.clear()
    with freeze_time(at(today + datetime.timedelta(days=1))):
        send_pair_reminders()
    assert not [m for m in mailoutbox if "Comment s" in m.subject]


def test_pulse_surveys_open_30_days_after_the_start_then_every_60_days(pair, people, mailoutbox):
    started = pair.started_at
    mailoutbox.clear()
    with freeze_time(at(started + datetime.timedelta(days=29))):
        send_pair_reminders()
    assert not SurveyResponse.objects.exists()
    with freeze_time(at(started + datetime.timedelta(days=30))):
        send_pair_reminders()
        send_pair_reminders()
    first = SurveyResponse.objects.filter(kind=SurveyKind.PULSE)
    assert set(first.values_list("respondent", flat=True)) == {Respondent.YOUTH, Respondent.MENTOR}
    assert set(first.values_list("due_on", flat=True)) == {started + datetime.timedelta(days=30)}
    invitations = [m for m in mailoutbox if "questionnaire" in m.subject]
    assert [m.to for m in invitations] == [[pair.mentor.email]]
    no_names(invitations[0], pair)
    digest = [m for m in mailoutbox if people["coordinator"].email in m.to]
    assert len(digest) == 1 and "questionnaire d'étape est à recueillir" in digest[0].body
    with freeze_time(at(started + datetime.timedelta(days=89))):
        send_pair_reminders()
    assert SurveyResponse.objects.count() == 2
    with freeze_time(at(started + datetime.timedelta(days=90))):
        send_pair_reminders()
    assert SurveyResponse.objects.count() == 4
    assert SurveyResponse.objects.pending().count() == 2  # the unanswered first round is dropped


def test_the_annual_review_is_announced_30_days_ahead_then_when_overdue_once_each(world, people, mailoutbox):
    pair = active_pair(world, people["coordinator"], started_days_ago=340)
    due = pair.review_due_on
    assert due - timezone.localdate() < datetime.timedelta(days=30)
    mailoutbox.clear()
    with freeze_time(at(due - datetime.timedelta(days=20))):
        send_pair_reminders()
        send_pair_reminders()
    soon = [m for m in mailoutbox if "bilan annuel de binôme est dû" in m.body]
    recipients = sorted(to for m in soon for to in m.to)
    assert recipients == sorted(
        [people["coordinator"].email, people["manager"].email, people["referrer"].email]
    )
    assert people["other_referrer"].email not in recipients
    mailoutbox.clear()
    for offset in (1, 2):
        with freeze_time(at(due + datetime.timedelta(days=offset))):
            send_pair_reminders()
    late = [m for m in mailoutbox if "bilan annuel de binôme est en retard" in m.body]
    assert len(late) == 2  # once to the association, once to the ASE service
    assert reverse("mentorships:portfolio") in late[0].body


def test_a_review_recorded_moves_the_next_due_date_a_year_on(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=380)
    assert pair.review_overdue()
    response = client_for(people["referrer"]).post(
        reverse("mentorships:review_record", args=[pair.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "participants": "Référente ASE, chargé de mentorat, le jeune",
            "youth_opinion": "Il veut continuer avec son mentor.",
            "decision": "continue",
        },
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert not pair.review_overdue()
    assert pair.review_due_on.year == timezone.localdate().year + 1
    review = pair.reviews.get()
    assert review.recorded_by == people["referrer"] and review.due_on < review.held_on


def test_a_review_without_the_youths_opinion_is_refused(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=30)
    response = client_for(people["coordinator"]).post(
        reverse("mentorships:review_record", args=[pair.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "participants": "Nous",
            "youth_opinion": "",
            "decision": "continue",
        },
    )
    assert response.status_code == 422
    assert not pair.reviews.exists()


def test_a_review_deciding_to_end_leads_to_the_closure(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=30)
    response = client_for(people["coordinator"]).post(
        reverse("mentorships:review_record", args=[pair.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "participants": "Référente, chargé de mentorat",
            "youth_opinion": "Ne souhaite plus voir son mentor.",
            "decision": "end",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?motif=not_in_interest")
    form = client_for(people["coordinator"]).get(response["Location"])
    assert 'value="not_in_interest" selected' in form.content.decode()


def test_the_overdue_flag_shows_on_the_portfolio(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=10)
    backdate(pair, 360)
    shown = client_for(people["coordinator"]).get(reverse("mentorships:portfolio")).content.decode()
    assert "bilan en retard" in shown
