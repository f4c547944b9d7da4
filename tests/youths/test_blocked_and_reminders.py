"""Files with no news beyond the département's delays: listed as blocked, and reminded once."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.notifications.models import ReminderLog
from binome.youths import services
from binome.youths.models import EventKind, PathwaySettings, ProposalOutcome
from binome.youths.queries import blocked_files
from binome.youths.reminders import send_pathway_reminders
from tests.accounts.factories import ConventionFactory
from tests.youths.factories import ReferralFactory, YouthFactory

ROUTED_ON = "2026-03-02 09:00"


@pytest.fixture
def routed(world, member):
    """A referral routed to the world's association on 2 March 2026 by the département's pilot."""
    with freeze_time(ROUTED_ON):
        referral = ReferralFactory(
            youth=YouthFactory(
                ase_service=world["ase_service"], ready=True, first_name="Maëlys", last_name="Roche"
            ),
            submitted=True,
        )
        services.referral_route(
            referral=referral,
            association=world["association"],
            by=member(Role.PILOT),
            organisation=world["departement"],
        )
    referral.refresh_from_db()
    return referral


def test_a_referral_without_answer_within_the_delay_is_not_blocked(world, routed):
    with freeze_time("2026-03-08 10:00"):
        assert blocked_files(world["departement"]) == []


def test_a_referral_without_answer_beyond_the_delay_is_blocked(world, routed):
    with freeze_time("2026-03-10 10:00"):
        [blocked] = blocked_files(world["departement"])
    assert blocked.youth == routed.youth
    assert blocked.reason == "Pas de réponse de l'Association A à l'orientation"
    assert blocked.since == datetime.date(2026, 3, 2)


def test_the_delay_is_the_departements_setting(world, routed):
    PathwaySettings.objects.update_or_create(
        departement=world["departement"], defaults={"accept_delay_days": 14}
    )
    with freeze_time("2026-03-10 10:00"):
        assert blocked_files(world["departement"]) == []


def test_the_pilot_sees_the_blocked_file(world, member, client_for, routed):
    pilot = member(Role.PILOT)
    with freeze_time("2026-03-10 10:00"):
        page = client_for(pilot).get(reverse("youths:blocked")).content.decode()
    assert "Maëlys Roche" in page
    assert "Pas de réponse de l&#x27;Association A à l&#x27;orientation" in page


def test_another_departement_does_not_see_the_blocked_file(world, routed):
    with freeze_time("2026-03-10 10:00"):
        assert blocked_files(world["other_departement"]) == []


def test_an_accepted_referral_without_pair_beyond_the_delay_is_blocked(world, member, routed):
    with freeze_time("2026-03-03 09:00"):
        services.referral_accept(referral=routed, by=member(Role.MANAGER), organisation=world["association"])
    with freeze_time("2026-04-03 10:00"):
        [blocked] = blocked_files(world["departement"])
    assert blocked.reason == "Acceptée par Association A, toujours sans binôme"
    assert blocked.since == datetime.date(2026, 3, 3)


@freeze_time("2026-05-01 10:00")
def test_consents_missing_beyond_the_delay_are_blocked(world):
    youth = YouthFactory(
        ase_service=world["ase_service"],
        assessed=True,
        proposal_outcome=ProposalOutcome.ACCEPTED,
        proposal_date=datetime.date(2026, 3, 1),
    )
    [blocked] = blocked_files(world["departement"])
    assert blocked.youth == youth
    assert blocked.reason == (
        "Il manque l'avis et l'adhésion du jeune, l'accord écrit des deux titulaires de l'autorité parentale"
    )


# --- Reminders ----------------------------------------------------------------------------------------


def test_the_association_is_reminded_once(world, member, routed, mailoutbox):
    manager = member(Role.MANAGER)
    with freeze_time("2026-03-10 07:30"):
        send_pathway_reminders()
        send_pathway_reminders()
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert "Relance : des dossiers de mentorat attendent une action" in mail.subject
    assert "1 × une orientation attend votre réponse" in mail.body
    assert reverse("youths:inbox") in mail.body
    assert "Maëlys" not in mail.subject + mail.body and "Roche" not in mail.subject + mail.body


def test_the_reminder_is_not_sent_again_the_next_days(world, member, routed, mailoutbox):
    member(Role.MANAGER)
    with freeze_time("2026-03-10 07:30"):
        send_pathway_reminders()
    with freeze_time("2026-03-11 07:30"):
        send_pathway_reminders()
    assert len(mailoutbox) == 1
    assert ReminderLog.objects.filter(kind="referral_answer", object_id=routed.pk).count() == 1


def test_the_reminder_is_on_the_youths_timeline(world, member, routed):
    member(Role.MANAGER)
    with freeze_time("2026-03-10 07:30"):
        send_pathway_reminders()
        send_pathway_reminders()
    [event] = routed.youth.events.filter(kind=EventKind.REMINDER)
    assert event.detail == "Relance de l'association (réponse)"


def test_no_reminder_within_the_delay(world, member, routed, mailoutbox):
    member(Role.MANAGER)
    with freeze_time("2026-03-08 07:30"):
        assert send_pathway_reminders() == 0
    assert mailoutbox == []


def test_a_new_routing_is_reminded_again(world, member, routed, mailoutbox):
    manager = member(Role.MANAGER)
    with freeze_time("2026-03-10 07:30"):
        send_pathway_reminders()
    with freeze_time("2026-03-10 08:00"):
        services.referral_decline(
            referral=routed,
            by=manager,
            organisation=world["association"],
            reason=routed.departement.reference_items.get(kind="decline_reason", code="no_capacity"),
        )
    other = member(Role.MANAGER, organisation=world["other_association"])
    ConventionFactory(departement=world["departement"], association=world["other_association"])
    with freeze_time("2026-03-10 09:00"):
        services.referral_route(
            referral=routed,
            association=world["other_association"],
            by=member(Role.PILOT),
            organisation=world["departement"],
        )
    mailoutbox.clear()
    with freeze_time("2026-03-18 07:30"):
        send_pathway_reminders()
    assert [m.to for m in mailoutbox] == [[other.email]]


@freeze_time("2026-05-01 07:30")
def test_the_referrers_are_reminded_of_missing_consents_once(world, member, mailoutbox):
    referrer = member(Role.REFERRER)
    YouthFactory(
        ase_service=world["ase_service"],
        assessed=True,
        proposal_outcome=ProposalOutcome.ACCEPTED,
        proposal_date=datetime.date(2026, 3, 1),
    )
    send_pathway_reminders()
    send_pathway_reminders()
    [mail] = mailoutbox
    assert mail.to == [referrer.email]
    assert "1 × des consentements manquent encore pour un jeune" in mail.body


def test_the_daily_job_is_scheduled():
    from huey.contrib.djhuey import HUEY

    from binome.youths import tasks  # noqa: F401

    assert "daily_pathway_reminders" in {task.__name__ for task in HUEY._registry._periodic_tasks}
