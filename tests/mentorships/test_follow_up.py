"""Meetings, staff contacts and the follow-up colour: the portfolio sorted by colour, red pairs on the
coordinator's home page, the département's aggregates, the rules set by the association."""

import datetime
import html

from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.mentorships import followup, services
from binome.mentorships.models import Colour, FollowUpSettings
from tests.mentorships.factories import active_pair, log_meeting, validated_pair

D = datetime.date


def page(response):
    return html.unescape(response.content.decode())


# --- The rule, as a pure function ------------------------------------------------------------------


def status(today, **kwargs):
    return followup.status(
        state="active", today=today, rules=followup.Rules(), started_on=D(2026, 1, 1), **kwargs
    )


def test_month_one_asks_for_two_staff_contacts_then_one_a_month():
    assert status(D(2026, 1, 8)).colour == "green"
    assert status(D(2026, 1, 10)).colour == "orange"  # first contact due on 16 January
    assert status(D(2026, 1, 17)).colour == "red"
    assert "Contact du chargé de mentorat attendu depuis le 16/01/2026" in status(D(2026, 1, 17)).reason
    one = {"last_contact_on": D(2026, 1, 10), "contacts_in_first_month": 1, "last_meeting_on": D(2026, 1, 20)}
    assert status(D(2026, 1, 20), **one).due_on == D(2026, 1, 31)  # the second one, by day 30
    assert status(D(2026, 2, 1), **one).colour == "red"
    # Contacts on 10 and 24 January: the next one is due a month after the second.
    two = {"last_contact_on": D(2026, 1, 24), "contacts_in_first_month": 2, "last_meeting_on": D(2026, 2, 1)}
    assert status(D(2026, 2, 14), **two).colour == "green"
    assert status(D(2026, 2, 14), **two).due_on == D(2026, 2, 23)
    assert status(D(2026, 2, 24), **two).colour == "red"
    # A single contact after the first month restarts the monthly rhythm.
    late = {"last_contact_on": D(2026, 2, 3), "contacts_in_first_month": 1, "last_meeting_on": D(2026, 2, 1)}
    assert status(D(2026, 2, 10), **late).due_on == D(2026, 3, 5)


def test_a_pair_without_a_meeting_for_six_weeks_is_red():
    kwargs = {"last_contact_on": D(2026, 3, 10), "last_meeting_on": D(2026, 2, 1)}
    assert status(D(2026, 3, 12), **kwargs).colour == "orange"  # meeting due on 15 March
    red = status(D(2026, 3, 16), **kwargs)
    assert red.colour == "red" and red.reason == "Aucune rencontre du binôme depuis le 01/02/2026"


def test_a_concern_makes_the_pair_red_whatever_the_dates():
    assert status(D(2026, 1, 2), concern_since=D(2026, 1, 2)).colour == "red"


def test_a_pair_waiting_for_its_agreement_turns_red_after_the_associations_delay():
    rules = followup.Rules(agreement_within_days=20)
    args = {"state": "agreement", "rules": rules, "validated_on": D(2026, 1, 1)}
    assert followup.status(today=D(2026, 1, 10), **args).colour == "green"
    assert followup.status(today=D(2026, 1, 15), **args).colour == "orange"
    assert followup.status(today=D(2026, 1, 22), **args).colour == "red"


# --- Meetings and contacts -------------------------------------------------------------------------


def test_the_coordinator_logs_a_meeting_and_the_counts_follow(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=20)
    client = client_for(people["coordinator"])
    url = reverse("mentorships:meeting_create", kwargs={"mentorship_id": mentorship.pk})
    when = timezone.localtime() - datetime.timedelta(days=2)
    response = client.post(
        url,
        {
            "at": when.strftime("%Y-%m-%dT%H:%M"),
            "status": "held",
            "modality": "remote",
            "duration_minutes": "45",
            "note": "Révision du brevet blanc",
            "next_steps": "Fiche de révision en histoire",
        },
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.meetings_remote, mentorship.meetings_in_person) == (1, 0)
    assert mentorship.last_meeting_on == when.date()
    assert mentorship.next_steps == "Fiche de révision en histoire"
    shown = page(client.get(reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk})))
    assert "Révision du brevet blanc" in shown and "1 rencontre du binôme réalisée" in shown


def test_a_meeting_in_the_future_cannot_be_held_and_a_past_one_cannot_stay_planned(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=10)
    client = client_for(people["coordinator"])
    url = reverse("mentorships:meeting_create", kwargs={"mentorship_id": mentorship.pk})
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"at": tomorrow, "status": "held", "modality": "in_person", "note": "Cinéma"})
    assert response.status_code == 422
    assert "Une rencontre à venir ne peut pas encore être réalisée." in page(response)
    assert "Cinéma" in page(response)
    last_week = (timezone.localtime() - datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"at": last_week, "status": "planned", "modality": "in_person"})
    assert response.status_code == 422
    assert "Cette rencontre est passée" in page(response)
    assert client.post(url, {"at": tomorrow, "status": "planned", "modality": "in_person"}).status_code == 302
    assert mentorship.meetings.filter(status="planned").count() == 1


def test_a_staff_contact_is_logged_apart_and_puts_the_pair_back_in_green(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=17)
    assert mentorship.colour == Colour.RED  # no staff contact in the first 15 days
    response = client_for(people["coordinator"]).post(
        reverse("mentorships:contact_record", kwargs={"mentorship_id": mentorship.pk}),
        {
            "on": timezone.localdate().isoformat(),
            "channel": "call",
            "with_whom": "youth",
            "note": "Tout va bien",
        },
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.colour == Colour.GREEN
    assert mentorship.last_contact_on == timezone.localdate()
    assert mentorship.meetings_in_person + mentorship.meetings_remote == 0


# --- Colour over time, alerts ----------------------------------------------------------------------


def test_a_pair_turning_red_overnight_alerts_its_coordinator_once(world, people, mailoutbox):
    mentorship = active_pair(world, people["coordinator"])
    services.contact_record(
        mentorship=mentorship,
        by=people["coordinator"],
        organisation=world["association"],
        on=timezone.localdate(),
        channel="call",
        with_whom="mentor",
    )
    log_meeting(mentorship, 0, by=people["coordinator"])
    mailoutbox.clear()
    start = timezone.now()
    # One contact on day 0: the second is due by day 30.
    with freeze_time(start + datetime.timedelta(days=24)):
        assert services.refresh_all_follow_ups() == 0
        mentorship.refresh_from_db()
        assert mentorship.colour == Colour.ORANGE
    with freeze_time(start + datetime.timedelta(days=31)):
        assert services.refresh_all_follow_ups() == 1
        assert services.refresh_all_follow_ups() == 0
    with freeze_time(start + datetime.timedelta(days=32)):
        assert services.refresh_all_follow_ups() == 0
    mentorship.refresh_from_db()
    assert mentorship.colour == Colour.RED
    [mail] = mailoutbox
    assert mail.to == [people["coordinator"].email]
    assert "Alerte : un binôme demande votre attention" in mail.subject
    youth, mentor = mentorship.youth, mentorship.mentor
    for name in (youth.first_name, youth.last_name, mentor.last_name):
        assert name not in mail.subject
    assert reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}) in mail.body
    assert "passé au rouge" in mail.alternatives[0][0]


def test_the_associations_rules_change_the_colour(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=10)
    assert mentorship.colour == Colour.ORANGE  # contact due on day 15
    response = client_for(people["manager"]).post(
        reverse("mentorships:settings"),
        {
            "first_month_contacts": "1",
            "contact_every_days": "30",
            "meeting_every_days": "42",
            "due_soon_days": "7",
            "agreement_within_days": "30",
            "pulse_alert_below": "3",
        },
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.colour == Colour.GREEN  # one contact in the first month: due on day 30
    assert FollowUpSettings.objects.get(association=world["association"]).first_month_contacts == 1
    assert client_for(people["coordinator"]).get(reverse("mentorships:settings")).status_code == 403


# --- Portfolio, home page, département -------------------------------------------------------------


def test_the_portfolio_lists_red_pairs_first(world, people, client_for):
    green = active_pair(world, people["coordinator"], started_days_ago=2)
    red = active_pair(world, people["coordinator"], started_days_ago=50)
    orange = active_pair(world, people["coordinator"], started_days_ago=10)
    assert (green.colour, red.colour, orange.colour) == ("green", "red", "orange")
    response = client_for(people["coordinator"]).get(reverse("mentorships:portfolio"))
    shown = page(response)
    positions = [shown.index(f"{p.youth.first_name} {p.youth.last_name}") for p in (red, orange, green)]
    assert positions == sorted(positions)
    only_red = page(client_for(people["coordinator"]).get(reverse("mentorships:portfolio") + "?couleur=red"))
    assert red.youth.last_name in only_red and green.youth.last_name not in only_red


def test_the_portfolio_shows_only_the_organisations_pairs(world, people, client_for):
    mine = active_pair(world, people["coordinator"])
    other_world = {
        "association": world["other_association"],
        "ase_service": world["other_ase_service"],
    }
    theirs = validated_pair(other_world, people["other_coordinator"])
    shown = page(client_for(people["coordinator"]).get(reverse("mentorships:portfolio")))
    assert mine.youth.last_name in shown and theirs.youth.last_name not in shown
    shown = page(client_for(people["referrer"]).get(reverse("mentorships:portfolio")))
    assert mine.youth.last_name in shown and theirs.youth.last_name not in shown


def test_red_pairs_appear_on_the_coordinators_home(world, people, client_for, member):
    red = active_pair(world, people["coordinator"], started_days_ago=50)
    active_pair(world, people["coordinator"], started_days_ago=2)
    shown = page(client_for(people["coordinator"]).get(reverse("home")))
    assert "Binômes en rouge" in shown
    assert "?couleur=red" in shown
    colleague = member(Role.COORDINATOR)
    active_pair(world, colleague, started_days_ago=2)
    assert "Binômes en rouge" not in page(client_for(colleague).get(reverse("home")))
    assert red.colour == "red"


def test_the_departement_sees_shares_per_association_without_names(world, people, client_for, member):
    pairs = [active_pair(world, people["coordinator"], started_days_ago=d) for d in (2, 3, 50, 10)]
    viewer = member(Role.VIEWER)
    response = client_for(viewer).get(reverse("mentorships:overview"))
    assert response.status_code == 200
    shown = page(response)
    assert "Association A" in shown
    assert "50 %" in shown and "25 %" in shown
    for pair in pairs:
        assert pair.youth.last_name not in shown and pair.mentor.last_name not in shown
    assert client_for(people["coordinator"]).get(reverse("mentorships:overview")).status_code == 403
    assert (
        client_for(people["pilot"])
        .get(reverse("mentorships:detail", kwargs={"mentorship_id": pairs[0].pk}))
        .status_code
        == 403
    )


def test_the_portfolio_does_not_grow_in_queries(world, people, client_for, django_assert_max_num_queries):
    for days in (1, 20, 50):
        active_pair(world, people["coordinator"], started_days_ago=days)
    client = client_for(people["coordinator"])
    client.get(reverse("mentorships:portfolio"))
    with django_assert_max_num_queries(20) as counted:
        client.get(reverse("mentorships:portfolio"))
    few = len(counted)
    for days in (2, 21, 51, 5, 8):
        active_pair(world, people["coordinator"], started_days_ago=days)
    with django_assert_max_num_queries(few):
        client.get(reverse("mentorships:portfolio"))
