"""Daily reminders: honorability checks expiring in 60 and 30 days, candidates waiting at a step. Each once."""

import datetime
import html

import pytest
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.mentors.models import MentorSettings, MentorStage
from binome.mentors.reminders import send_mentor_reminders
from binome.notifications.models import ReminderLog
from tests.mentors.factories import MentorFactory

SUBJECT = "Relance : des dossiers de mentorat attendent une action"
EXPIRES_60 = "1 × un contrôle d'honorabilité expire dans moins de 60 jours"
EXPIRES_30 = "1 × un contrôle d'honorabilité expire dans moins de 30 jours"
STALE = "1 × une candidature attend à la même étape depuis trop longtemps"


@pytest.fixture
def people(world, member):
    return {
        "manager": member(Role.MANAGER),
        "coordinator": member(Role.COORDINATOR),
        "pilot": member(Role.PILOT),
        "other_pilot": member(Role.PILOT, organisation=world["other_departement"]),
        "referrer": member(Role.REFERRER),
    }


def expiring_on(world, day, **kwargs):
    return MentorFactory(
        association=world["association"],
        ready=True,
        honorability_valid_until=day,
        first_name="Hugo",
        last_name="Perrin",
        **kwargs,
    )


def mails_to(mailoutbox, user):
    return [m for m in mailoutbox if user.email in m.to]


def shown(mail):
    """The HTML part as a mail client shows it. (The text part escapes the apostrophe: see the report.)"""
    [(content, _)] = mail.alternatives
    return html.unescape(content)


# --- Honorability expiring ------------------------------------------------------------------------------


def test_a_check_expiring_in_60_days_reminds_the_association_and_the_pilot(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 5, 1))
    with freeze_time("2026-03-02 07:40"):
        assert send_mentor_reminders() == 2
    staff_mail, pilot_mail = sorted(mailoutbox, key=lambda m: len(m.to), reverse=True)
    assert sorted(staff_mail.to) == sorted([people["manager"].email, people["coordinator"].email])
    assert pilot_mail.to == [people["pilot"].email]
    for mail in mailoutbox:
        assert SUBJECT in mail.subject
        assert EXPIRES_60 in shown(mail)
        assert "Hugo" not in mail.subject + mail.body and "Perrin" not in mail.subject + mail.body
    assert reverse("mentors:list") in staff_mail.body
    assert reverse("mentors:check_list") in pilot_mail.body
    assert mails_to(mailoutbox, people["other_pilot"]) == []
    assert mails_to(mailoutbox, people["referrer"]) == []


def test_a_services_own_mentor_reminds_its_referrer_and_its_departements_pilot(world, people, mailoutbox):
    """An ASE service's own mentor (art. D.221-36): no convention ties the service to its département."""
    MentorFactory(
        association=world["ase_service"], ready=True, honorability_valid_until=datetime.date(2026, 5, 1)
    )
    with freeze_time("2026-03-02 07:40"):
        assert send_mentor_reminders() == 2
    [referrer_mail] = mails_to(mailoutbox, people["referrer"])
    [pilot_mail] = mails_to(mailoutbox, people["pilot"])
    assert referrer_mail.to == [people["referrer"].email]
    assert EXPIRES_60 in shown(referrer_mail) and EXPIRES_60 in shown(pilot_mail)
    assert mails_to(mailoutbox, people["manager"]) == mails_to(mailoutbox, people["other_pilot"]) == []


def test_the_60_day_reminder_is_sent_once(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 5, 1))
    with freeze_time("2026-03-02 07:40"):
        send_mentor_reminders()
        assert send_mentor_reminders() == 0
    with freeze_time("2026-03-03 07:40"):
        assert send_mentor_reminders() == 0
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(kind="honorability_60").count() == 1


def test_a_check_expiring_in_61_days_is_not_reminded_yet(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 5, 2))
    with freeze_time("2026-03-02 07:40"):
        assert send_mentor_reminders() == 0
    assert mailoutbox == []


def test_a_second_reminder_comes_30_days_before(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 5, 1))
    with freeze_time("2026-03-02 07:40"):
        send_mentor_reminders()
    mailoutbox.clear()
    with freeze_time("2026-03-31 07:40"):
        assert send_mentor_reminders() == 0
    with freeze_time("2026-04-01 07:40"):
        assert send_mentor_reminders() == 2
        assert send_mentor_reminders() == 0
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        assert EXPIRES_30 in shown(mail) and "60 jours" not in shown(mail)


def test_a_renewed_check_is_reminded_again_the_next_year(world, people, mailoutbox):
    mentor = expiring_on(world, datetime.date(2026, 5, 1))
    with freeze_time("2026-03-02 07:40"):
        send_mentor_reminders()
    mentor.honorability_valid_until = datetime.date(2027, 5, 1)
    mentor.save()
    mailoutbox.clear()
    with freeze_time("2027-03-02 07:40"):
        assert send_mentor_reminders() == 2


def test_an_expired_check_is_not_reminded(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 3, 1))
    with freeze_time("2026-03-02 07:40"):
        assert send_mentor_reminders() == 0


@pytest.mark.parametrize("stage", [MentorStage.LEFT, MentorStage.NOT_RETAINED])
def test_a_mentor_who_left_is_not_reminded(world, people, mailoutbox, stage):
    expiring_on(world, datetime.date(2026, 5, 1), stage=stage)
    with freeze_time("2026-03-02 07:40"):
        assert send_mentor_reminders() == 0


def test_one_digest_counts_every_expiring_check(world, people, mailoutbox):
    expiring_on(world, datetime.date(2026, 4, 20))
    expiring_on(world, datetime.date(2026, 4, 25))
    with freeze_time("2026-03-02 07:40"):
        send_mentor_reminders()
    [pilot_mail] = mails_to(mailoutbox, people["pilot"])
    assert "2 × un contrôle d'honorabilité expire dans moins de 60 jours" in shown(pilot_mail)


# --- Candidates waiting ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(world):
    """A candidate received on 2 March 2026, still at the same step; the association has its settings."""
    MentorSettings.objects.create(association=world["association"])
    with freeze_time("2026-03-02 09:00"):
        return MentorFactory(association=world["association"], first_name="Lina", last_name="Morel")


def test_a_stale_candidate_is_reminded_once(world, people, waiting, mailoutbox):
    with freeze_time("2026-03-17 07:40"):
        assert send_mentor_reminders() == 1
        assert send_mentor_reminders() == 0
    with freeze_time("2026-03-18 07:40"):
        assert send_mentor_reminders() == 0
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([people["manager"].email, people["coordinator"].email])
    assert SUBJECT in mail.subject
    assert STALE in mail.body
    assert reverse("mentors:list") in mail.body
    assert "Lina" not in mail.subject + mail.body and "Morel" not in mail.subject + mail.body


def test_a_candidate_within_the_delay_is_not_reminded(world, people, waiting, mailoutbox):
    with freeze_time("2026-03-16 07:40"):
        assert send_mentor_reminders() == 0
    assert mailoutbox == []


def test_the_delay_is_the_associations_setting(world, people, waiting, mailoutbox):
    MentorSettings.objects.filter(association=world["association"]).update(stale_after_days=30)
    with freeze_time("2026-03-17 07:40"):
        assert send_mentor_reminders() == 0
    with freeze_time("2026-04-02 07:40"):
        assert send_mentor_reminders() == 1


def test_a_candidate_who_moves_on_and_waits_again_is_reminded_again(world, people, waiting, mailoutbox):
    with freeze_time("2026-03-17 07:40"):
        send_mentor_reminders()
    with freeze_time("2026-03-18 10:00"):
        waiting.stage = MentorStage.INTERVIEW_DONE
        waiting.stage_since = datetime.datetime(2026, 3, 18, 10, tzinfo=datetime.UTC)
        waiting.save()
    with freeze_time("2026-04-02 07:40"):
        assert send_mentor_reminders() == 1
    assert len(mailoutbox) == 2


def test_a_ready_mentor_waiting_is_not_a_stale_candidate(world, people, mailoutbox):
    MentorSettings.objects.create(association=world["association"])
    with freeze_time("2026-03-02 09:00"):
        MentorFactory(
            association=world["association"], ready=True, honorability_valid_until=datetime.date(2027, 1, 1)
        )
    with freeze_time("2026-03-20 07:40"):
        assert send_mentor_reminders() == 0


def test_no_one_to_tell_means_no_mail(world, waiting, mailoutbox):
    with freeze_time("2026-03-17 07:40"):
        assert send_mentor_reminders() == 0
    assert mailoutbox == []
