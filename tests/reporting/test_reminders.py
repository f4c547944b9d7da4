"""Reminders of the reporting cycle: 3 days before the deadline, the day after it (association and
pilot), each sent once; nothing for a submitted report or a long-past period."""

import datetime

import pytest
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.reporting import services
from binome.reporting.reminders import send_reporting_reminders
from binome.reporting.tasks import daily_reporting
from tests.reporting.factories import FIGURES

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def people(world, member, conventions):
    return {
        "manager": member(Role.MANAGER, first_name="Odile", last_name="Marchand"),
        "coordinator": member(Role.COORDINATOR),
        "lead": member(Role.COORDINATOR),
        "pilot": member(Role.PILOT),
        "other_manager": member(Role.MANAGER, organisation=world["other_association"]),
    }


@pytest.fixture
def report(world, people):
    Convention.objects.filter(association=world["association"]).update(reporting_lead=people["lead"])
    with freeze_time("2026-03-01 06:45"):
        period = services.period_open(departement=world["departement"], month=MARCH)
    return period.reports.get(association=world["association"])


def addressees(mailoutbox):
    return [sorted(m.to) for m in mailoutbox]


def test_the_due_reminder_goes_three_days_before_the_deadline_once(report, people, mailoutbox):
    with freeze_time("2026-04-01 06:45"):
        assert send_reporting_reminders() == 0
    with freeze_time("2026-04-02 06:45"):
        assert send_reporting_reminders() == 1
        assert send_reporting_reminders() == 0
    with freeze_time("2026-04-03 06:45"):
        assert send_reporting_reminders() == 0
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([people["manager"].email, people["lead"].email])  # not every coordinator
    assert mail.subject.endswith("Suivi mensuel de mars 2026 : à transmettre avant le 05/04/2026")
    assert "Odile" not in mail.subject and "Marchand" not in mail.subject
    assert "dans 3 jours" in mail.body
    assert f"/suivi-mensuel/suivis/{report.pk}/saisie/" in mail.body


def test_the_late_reminders_go_the_day_after_the_deadline_once(world, report, people, mailoutbox):
    with freeze_time("2026-04-05 06:45"):
        send_reporting_reminders()
    mailoutbox.clear()
    with freeze_time("2026-04-06 06:45"):
        assert send_reporting_reminders() == 2
        assert send_reporting_reminders() == 0
    with freeze_time("2026-04-20 06:45"):
        assert send_reporting_reminders() == 0
    association_mail, pilot_mail = sorted(mailoutbox, key=lambda m: len(m.to), reverse=True)
    assert association_mail.subject.endswith("Suivi mensuel de mars 2026 : échéance dépassée")
    assert pilot_mail.to == [people["pilot"].email]
    assert pilot_mail.subject.endswith("Suivi mensuel de mars 2026 : des associations n'ont pas transmis")
    assert "1 association n'a pas encore transmis" in pilot_mail.body
    assert people["other_manager"].email not in association_mail.to


def test_a_submitted_report_is_not_reminded(report, people, mailoutbox):
    manager = people["manager"]
    with freeze_time("2026-04-01 10:00"):
        services.report_save(report=report, data=FIGURES, funding=[], by=manager)
        services.report_submit(report=report, by=manager, membership=manager.memberships.get())
    for day in ("2026-04-02", "2026-04-06", "2026-04-07"):
        with freeze_time(f"{day} 06:45"):
            assert send_reporting_reminders() == 0
    assert mailoutbox == []


def test_a_period_long_past_is_left_to_the_pilot(world, people, mailoutbox):
    with freeze_time("2026-06-10 06:45"):
        services.period_open(departement=world["departement"], month=datetime.date(2026, 3, 1))
        assert send_reporting_reminders() == 0  # deadline 5 April: more than 30 days ago
    assert mailoutbox == []


def test_a_new_due_date_brings_a_new_reminder(world, report, people, mailoutbox):
    with freeze_time("2026-04-02 06:45"):
        assert send_reporting_reminders() == 1  # due on 5 April
    # The département moves the association's reporting day: the daily job moves the due date of the
    # report not yet submitted, which is reminded again before its new date.
    Convention.objects.filter(association=world["association"]).update(reporting_day=15)
    with freeze_time("2026-04-03 06:45"):
        services.periods_open_due()
    report.refresh_from_db()
    assert report.due_on == datetime.date(2026, 4, 15)
    assert report.period.deadline == datetime.date(2026, 4, 15)
    with freeze_time("2026-04-06 06:45"):
        assert send_reporting_reminders() == 0  # no longer late
    with freeze_time("2026-04-12 06:45"):
        assert send_reporting_reminders() == 1
    assert mailoutbox[-1].subject.endswith("à transmettre avant le 15/04/2026")


def test_the_daily_job_opens_the_month_and_reminds(world, people, mailoutbox):
    with freeze_time("2026-05-01 06:45"):
        daily_reporting.call_local()
    report = world["association"].reporting_reports.get()
    assert report.period.month == datetime.date(2026, 5, 1)
    with freeze_time("2026-06-02 06:45"):
        daily_reporting.call_local()
    assert [m.subject.split("] ")[-1] for m in mailoutbox if people["manager"].email in m.to] == [
        "Suivi mensuel de mai 2026 : à transmettre avant le 05/06/2026"
    ]
