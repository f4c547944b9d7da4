"""The mentor's space, reached by a magic link: no password, a short session, one pair only."""

import datetime
import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.mentorships import services
from binome.mentorships.models import ClosureReason, Colour, MentorAccess
from tests.mentorships.factories import active_pair, log_meeting


def page(response):
    return html.unescape(response.content.decode())


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", page(response)).split())


def link_from(mail) -> str:
    return re.search(r"https?://[^/\s]+(/binomes/espace-mentor/acces/[^/\s]+/)", mail.body).group(1)


def open_space(mentorship) -> Client:
    token = services.mentor_access_create(mentorship=mentorship)
    client = Client()
    response = client.get(services.mentor_space_url(token))
    assert response.status_code == 302 and response["Location"] == reverse("mentorships:mentor_home")
    return client


def test_the_coordinator_sends_a_link_and_the_mentor_sees_only_their_pair(
    world, people, client_for, mailoutbox
):
    # Names that cannot collide with the mentor's generated ones.
    mentorship = active_pair(
        world, people["coordinator"], started_days_ago=20, first_name="Inès", last_name="Vautrin-Essai"
    )
    log_meeting(mentorship, 3, by=people["coordinator"])
    services.mentorship_update(
        mentorship=mentorship,
        by=people["coordinator"],
        organisation=world["association"],
        next_steps="Préparer l'oral de stage",
    )
    mailoutbox.clear()
    response = client_for(people["coordinator"]).post(
        reverse("mentorships:mentor_link", args=[mentorship.pk])
    )
    assert response.status_code == 302
    [mail] = mailoutbox
    youth, mentor = mentorship.youth, mentorship.mentor
    assert mail.to == [mentor.email] and mail.subject.endswith("Votre espace mentor")
    assert youth.first_name not in mail.subject and youth.last_name not in mail.body
    mentor_client = Client()
    home = mentor_client.get(link_from(mail), follow=True)
    assert home.status_code == 200
    shown = text(home)
    assert f"Votre binôme avec {youth.first_name}" in shown
    assert youth.last_name not in shown
    assert "Préparer l'oral de stage" in shown
    assert people["coordinator"].email in shown
    assert "Signaler une préoccupation" in shown
    assert "Rencontre de lancement" in shown and "Rencontre du binôme" in shown
    # The session does not open the professionals' pages.
    assert mentor_client.get(reverse("mentorships:portfolio"))["Location"].startswith("/comptes/login/")


def test_the_mentor_logs_a_meeting(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=10)
    client = open_space(mentorship)
    when = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("mentorships:mentor_meeting_create"),
        {
            "at": when,
            "status": "held",
            "modality": "in_person",
            "duration_minutes": "90",
            "note": "Musée",
            "next_steps": "Lire le chapitre 3",
        },
    )
    assert response.status_code == 302
    meeting = mentorship.meetings.get(kind="session")
    assert meeting.recorded_by_mentor and meeting.recorded_by is None and meeting.note == "Musée"
    mentorship.refresh_from_db()
    assert mentorship.meetings_in_person == 1 and mentorship.next_steps == "Lire le chapitre 3"


def test_the_mentor_completes_a_planned_meeting_but_not_one_the_staff_recorded(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=10)
    planned = services.meeting_save(
        mentorship=mentorship,
        at=timezone.now() + datetime.timedelta(minutes=5),
        status="planned",
        modality="remote",
        by=people["coordinator"],
    )
    held = log_meeting(mentorship, 2, by=people["coordinator"])
    client = open_space(mentorship)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=20)):
        when = timezone.localtime(planned.at).strftime("%Y-%m-%dT%H:%M")
        url = reverse("mentorships:mentor_meeting", args=[planned.pk])
        assert client.post(url, {"at": when, "status": "held", "modality": "remote"}).status_code == 302
        planned.refresh_from_db()
        assert planned.status == "held"
        response = client.post(
            reverse("mentorships:mentor_meeting", args=[held.pk]),
            {"at": when, "status": "cancelled", "modality": "remote"},
        )
        assert response.status_code == 422
        assert "notée par l'association" in page(response)
    held.refresh_from_db()
    assert held.status == "held"


def test_a_concern_from_the_mentor_turns_the_pair_red_and_alerts_the_coordinator_at_once(
    world, people, mailoutbox
):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=2)
    client = open_space(mentorship)
    mailoutbox.clear()
    response = client.post(reverse("mentorships:mentor_concern"), {"message": "Il m'a parlé de violences."})
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.colour == Colour.RED and mentorship.concern_open
    [mail] = mailoutbox
    assert mail.to == [people["coordinator"].email]
    assert "violences" not in mail.body + mail.subject
    assert "un mentor a signalé une préoccupation" in mail.body
    # The nightly job does not send a second alert for the same red.
    assert services.refresh_all_follow_ups() == 0
    concern = mentorship.concerns.get()
    services.concern_resolve(
        concern=concern,
        by=people["coordinator"],
        organisation=world["association"],
        resolution="Appel au référent",
    )
    mentorship.refresh_from_db()
    assert mentorship.colour == Colour.GREEN and not mentorship.concern_open


def test_a_link_cannot_reach_another_pair(world, people):
    # Names no random staff member can carry, so the page test cannot collide with one.
    first = active_pair(world, people["coordinator"], started_days_ago=5, first_name="Aurore-Essai")
    mentor = first.mentor
    mentor.capacity = 2
    mentor.save()
    second = active_pair(
        world, people["coordinator"], started_days_ago=5, mentor=mentor, first_name="Basile-Essai"
    )
    other_meeting = log_meeting(second, 1, by=people["coordinator"])
    client = open_space(first)
    shown = page(client.get(reverse("mentorships:mentor_home")))
    assert first.youth.first_name in shown and second.youth.first_name not in shown
    url = reverse("mentorships:mentor_meeting", args=[other_meeting.pk])
    assert client.get(url).status_code == 404
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"at": when, "status": "cancelled", "modality": "remote"}).status_code == 404
    other_meeting.refresh_from_db()
    assert other_meeting.status == "held"


def test_an_expired_link_explains_itself_and_sends_a_fresh_one_once(world, people, mailoutbox):
    mentorship = active_pair(world, people["coordinator"])
    token = services.mentor_access_create(mentorship=mentorship)
    url = services.mentor_space_url(token)
    mailoutbox.clear()
    with freeze_time(timezone.now() + datetime.timedelta(days=15)):
        response = Client().get(url)
        assert response.status_code == 410
        assert "Ce lien a expiré" in page(response)
        assert "M'envoyer un nouveau lien" in page(response)
        response = Client().post(url)
        assert "Nouveau lien envoyé" in page(response)
        Client().post(url)
    [mail] = mailoutbox
    assert mail.to == [mentorship.mentor.email]
    assert Client().get(link_from(mail)).status_code == 302


def test_a_closed_pairs_link_stops_working(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    client = open_space(mentorship)
    token = services.mentor_access_create(mentorship=mentorship)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.PLANNED_END,
        objectives_reached="yes",
        mentor_may_rematch=True,
    )
    response = Client().get(services.mentor_space_url(token))
    assert response.status_code == 410 and "Ce binôme est terminé" in page(response)
    assert client.get(reverse("mentorships:mentor_home")).status_code == 401
    assert not MentorAccess.objects.filter(mentorship=mentorship, revoked_at__isnull=True).exists()


def test_the_session_is_short_and_an_unknown_link_is_refused(world, people):
    mentorship = active_pair(world, people["coordinator"])
    client = open_space(mentorship)
    start = timezone.now()
    # Active every 25 minutes (under the 30-minute idle limit): still ended after two hours.
    for minutes in (0, 25, 50, 75, 100):
        with freeze_time(start + datetime.timedelta(minutes=minutes)):
            assert client.get(reverse("mentorships:mentor_home")).status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=122)):
        response = client.get(reverse("mentorships:mentor_home"))
        assert response.status_code == 401
        assert "Votre session est terminée" in page(response)
    response = Client().get(reverse("mentorships:mentor_access", args=["pas-un-vrai-jeton"]))
    assert response.status_code == 404 and "Ce lien n'est pas valable" in page(response)
    assert Client().get(reverse("mentorships:mentor_home")).status_code == 401


def test_leaving_the_space_ends_the_session(world, people):
    mentorship = active_pair(world, people["coordinator"])
    client = open_space(mentorship)
    client.post(reverse("mentorships:mentor_logout"))
    assert client.get(reverse("mentorships:mentor_home")).status_code == 401


def test_sending_a_new_link_ends_the_previous_ones(world, people):
    from binome.mentorships.models import MentorAccess
    from tests.mentorships.factories import active_pair

    mentorship = active_pair(world, people["coordinator"])
    services.mentor_link_send(mentorship=mentorship)
    services.mentor_link_send(mentorship=mentorship)

    accesses = MentorAccess.objects.filter(mentorship=mentorship)
    assert accesses.filter(revoked_at__isnull=True).count() == 1
    assert accesses.filter(revoked_at__isnull=False).count() >= 1


def test_a_replaced_link_says_so_and_sends_a_fresh_one(world, people, mailoutbox):
    mentorship = active_pair(world, people["coordinator"])
    services.mentor_link_send(mentorship=mentorship)
    services.mentor_link_send(mentorship=mentorship)
    first, second = (link_from(mail) for mail in mailoutbox)
    mailoutbox.clear()
    response = Client().get(first)
    assert response.status_code == 410
    assert "Un lien plus récent vous a été envoyé" in page(response)
    assert Client().get(second).status_code == 302
    response = Client().post(first)
    assert "Nouveau lien envoyé" in page(response)
    Client().post(first)  # a reload sends nothing more the same day
    [mail] = mailoutbox
    assert mail.to == [mentorship.mentor.email]
    assert Client().get(link_from(mail)).status_code == 302
    assert Client().get(second).status_code == 410


def test_the_mentors_reads_are_in_the_access_log(world, people):
    from binome.audit.models import AccessLog

    mentorship = active_pair(world, people["coordinator"], started_days_ago=10)
    meeting = log_meeting(mentorship, 2, by=people["coordinator"])
    client = open_space(mentorship)
    client.get(reverse("mentorships:mentor_home"))
    client.get(reverse("mentorships:mentor_meeting", args=[meeting.pk]))
    logs = AccessLog.objects.filter(object_type="mentorships.espace_mentor", object_id=str(mentorship.pk))
    assert logs.count() == 2
    assert {(log.user_id, log.organisation_id, log.departement_id, log.action) for log in logs} == {
        (None, mentorship.association_id, mentorship.departement_id, "view")
    }


def test_a_mentor_sends_a_few_concerns_a_day_then_is_asked_to_call(world, people, mailoutbox):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=2)
    client = open_space(mentorship)
    url = reverse("mentorships:mentor_concern")
    for i in range(services.MENTOR_CONCERNS_PER_DAY):
        assert client.post(url, {"message": f"Inquiétude n° {i}"}).status_code == 302
    response = client.post(url, {"message": "Encore une"})
    assert response.status_code == 422
    assert "appelez-la directement" in text(response)
    assert "Encore une" in page(response)  # what was typed stays in the form
    assert mentorship.concerns.count() == services.MENTOR_CONCERNS_PER_DAY
    with freeze_time(timezone.now() + datetime.timedelta(hours=25)):
        client = open_space(mentorship)
        assert client.post(url, {"message": "Le lendemain"}).status_code == 302
