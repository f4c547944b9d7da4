"""The monthly cycle: periods opened each month, statuses over time, submission frozen as a revision,
corrections as new revisions, the pilot's status table and reminders by hand."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.reporting import services
from binome.reporting.figures import steering_figures
from binome.reporting.models import AssociationReport, ReportingPeriod, ReportRevision, ReportStatus
from binome.steering.indicators import Scope
from binome.steering.periods import Period
from tests.reporting.factories import (
    FIGURES,
    AssociationReportFactory,
    ReportedPairFactory,
    ReportingPeriodFactory,
)

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def people(world, member, conventions):
    return {
        "manager": member(Role.MANAGER),
        "coordinator": member(Role.COORDINATOR),
        "pilot": member(Role.PILOT),
        "viewer": member(Role.VIEWER),
        "other_manager": member(Role.MANAGER, organisation=world["other_association"]),
        "other_pilot": member(Role.PILOT, organisation=world["other_departement"]),
    }


@pytest.fixture
def report(world, conventions):
    with freeze_time("2026-03-01 06:45"):
        period = services.period_open(departement=world["departement"], month=MARCH)
    return period.reports.get(association=world["association"])


def membership(user):
    return user.memberships.get()


def fill(report, user, **changes):
    data = {**FIGURES, **changes}
    return services.report_save(
        report=report,
        data=data,
        funding=[{"funder": "Département", "sub_project": "mentoring", "amount": Decimal("5000")}],
        by=user,
    )


def page(response):
    return html.unescape(response.content.decode())


# --- Opening periods -------------------------------------------------------------------------------------


def test_the_monthly_job_opens_the_month_on_its_first_day_with_the_5th_as_deadline(world, conventions):
    with freeze_time("2026-03-31 06:45"):
        services.periods_open_due()
    with freeze_time("2026-04-01 06:45"):
        opened = services.periods_open_due()
        assert services.periods_open_due() == []  # once
    april = [p for p in opened if p.departement == world["departement"]]
    assert [(p.month, p.deadline) for p in april] == [(datetime.date(2026, 4, 1), datetime.date(2026, 5, 5))]
    assert list(april[0].reports.values_list("association__name", flat=True)) == ["Association A"]
    assert ReportingPeriod.objects.filter(departement=world["other_departement"], month="2026-04-01").exists()


def test_a_departement_without_convention_gets_no_period(world, conventions):
    Convention.objects.filter(departement=world["other_departement"]).delete()
    with freeze_time("2026-04-01 06:45"):
        services.periods_open_due()
    assert not ReportingPeriod.objects.filter(departement=world["other_departement"]).exists()


def test_an_association_whose_convention_starts_mid_period_joins_it(world, conventions):
    from tests.accounts.factories import AssociationFactory, ConventionFactory

    with freeze_time("2026-04-01 06:45"):
        services.periods_open_due()
    newcomer = AssociationFactory(name="Nouvelle association")
    ConventionFactory(
        departement=world["departement"], association=newcomer, start_date=datetime.date(2026, 4, 20)
    )
    with freeze_time("2026-04-21 06:45"):
        services.periods_open_due()
    period = ReportingPeriod.objects.get(departement=world["departement"], month="2026-04-01")
    assert set(period.reports.values_list("association__name", flat=True)) == {
        "Association A",
        "Nouvelle association",
    }


def test_the_pilot_opens_a_past_month_with_another_deadline(world, people, client_for):
    client = client_for(people["pilot"])
    with freeze_time("2026-04-10 10:00"):
        response = client.post(
            reverse("reporting:period_open"), {"month": "2026-02", "deadline": "2026-04-20"}
        )
    period = ReportingPeriod.objects.get(departement=world["departement"])
    assert (period.month, period.deadline, period.opened_by) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 4, 20),
        people["pilot"],
    )
    assert response["Location"] == reverse("reporting:period_detail", kwargs={"period_id": period.pk})
    with freeze_time("2026-04-10 10:00"):
        again = client.post(reverse("reporting:period_open"), {"month": "2026-02", "deadline": ""})
    assert again.status_code == 422
    assert "Le suivi de février 2026 est déjà ouvert." in page(again)


# --- Statuses -------------------------------------------------------------------------------------------


def test_the_status_follows_the_calendar(report, people):
    with freeze_time("2026-03-15"):
        assert report.status() == ReportStatus.NOT_STARTED
        fill(report, people["manager"])
        assert report.status() == ReportStatus.IN_PROGRESS
    with freeze_time("2026-04-05 20:00"):  # 22:00 in Paris
        assert report.status() == ReportStatus.IN_PROGRESS  # the deadline day still counts
    with freeze_time("2026-04-06 08:00"):
        assert report.status() == ReportStatus.LATE
    with freeze_time("2026-04-07 09:00"):
        services.report_submit(report=report, by=people["manager"], membership=membership(people["manager"]))
        report.refresh_from_db()
        assert report.status() == ReportStatus.SUBMITTED
        assert report.submitted_late


def test_an_untouched_report_is_late_after_the_deadline(report):
    assert report.status(datetime.date(2026, 4, 5)) == ReportStatus.NOT_STARTED
    assert report.status(datetime.date(2026, 4, 6)) == ReportStatus.LATE


# --- Submission -------------------------------------------------------------------------------------------


def test_submitting_before_the_end_of_the_month_is_refused(report, people):
    with freeze_time("2026-03-20"):
        fill(report, people["manager"])
        with pytest.raises(ValidationError, match="Le mois n'est pas terminé"):
            services.report_submit(
                report=report, by=people["manager"], membership=membership(people["manager"])
            )
    assert not report.revisions.exists()


def test_submitting_asks_for_the_numbers(report, people):
    with freeze_time("2026-04-02"):
        fill(report, people["manager"], fte_staff=None, workshops=None)
        with pytest.raises(ValidationError) as error:
            services.report_submit(
                report=report, by=people["manager"], membership=membership(people["manager"])
            )
    assert set(error.value.message_dict) == {"fte_staff", "workshops"}


def test_submission_freezes_the_figures_and_the_live_indicators(world, report, people):
    ReportedPairFactory(
        association=world["association"],
        departement=world["departement"],
        started_on=datetime.date(2026, 2, 1),
    )
    with freeze_time("2026-04-02 10:00"):
        fill(report, people["manager"])
        revision = services.report_submit(
            report=report, by=people["manager"], membership=membership(people["manager"])
        )
    assert revision.number == 1
    assert revision.snapshot["figures"]["fte_staff"] == "1.50"
    assert revision.snapshot["figures"]["funding"] == [
        {"funder": "Département", "sub_project": "mentoring", "amount": "5000"}
    ]
    assert revision.snapshot["indicators"]["imported_pairs_followed"]["value"] == 1
    assert "pairs_followed" in revision.snapshot["indicators"]  # from the steering engine
    assert revision.funding_total == Decimal("5000")

    # The association keeps editing its working copy: the submitted version does not move.
    with freeze_time("2026-04-03"):
        fill(report, people["manager"], fte_staff=Decimal("3"))
    revision.refresh_from_db()
    assert revision.fte_staff == Decimal("1.50")
    assert revision.snapshot["figures"]["fte_staff"] == "1.50"
    assert services.report_has_changes(AssociationReport.objects.get(pk=report.pk))


def test_a_revision_cannot_be_edited_or_deleted(report, people):
    with freeze_time("2026-04-02"):
        fill(report, people["manager"])
        revision = services.report_submit(
            report=report, by=people["manager"], membership=membership(people["manager"])
        )
    revision.fte_staff = Decimal("9")
    with pytest.raises(ValidationError):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()
    assert ReportRevision.objects.get(pk=revision.pk).fte_staff == Decimal("1.50")


def test_a_correction_is_a_new_revision_with_its_reason(world, report, people, mailoutbox):
    manager = people["manager"]
    with freeze_time("2026-04-02"):
        fill(report, manager)
        services.report_submit(report=report, by=manager, membership=membership(manager))
    with freeze_time("2026-04-10"):
        fill(report, manager, workshops=3)
        with pytest.raises(ValidationError) as error:
            services.report_submit(report=report, by=manager, membership=membership(manager))
        assert "reason" in error.value.message_dict
        second = services.report_submit(
            report=report, by=manager, membership=membership(manager), reason="Un atelier oublié."
        )
    report.refresh_from_db()
    assert report.current_revision == 2
    assert list(report.revisions.order_by("number").values_list("number", "workshops", "reason")) == [
        (1, 2, ""),
        (2, 3, "Un atelier oublié."),
    ]
    assert list(ReportRevision.objects.current()) == [second]
    [mail] = mailoutbox
    assert mail.to == [people["pilot"].email]
    assert "une correction a été transmise" in mail.subject
    assert "Association A" not in mail.subject


def test_a_correction_that_changes_nothing_is_refused(report, people):
    manager = people["manager"]
    with freeze_time("2026-04-02"):
        fill(report, manager)
        services.report_submit(report=report, by=manager, membership=membership(manager))
        with pytest.raises(ValidationError, match="Rien n'a changé"):
            services.report_submit(
                report=report, by=manager, membership=membership(manager), reason="Pour voir"
            )
    assert report.revisions.count() == 1


def test_a_coordinator_submits_only_when_named_reporting_lead(world, report, people):
    coordinator = people["coordinator"]
    with freeze_time("2026-04-02"):
        fill(report, coordinator)
        with pytest.raises(ValidationError, match="Seuls"):
            services.report_submit(report=report, by=coordinator, membership=membership(coordinator))
        Convention.objects.filter(association=world["association"]).update(reporting_lead=coordinator)
        assert (
            services.report_submit(report=report, by=coordinator, membership=membership(coordinator)).number
            == 1
        )


def test_steering_reads_the_revision_in_force(world, report, people):
    manager = people["manager"]
    with freeze_time("2026-04-02"):
        fill(report, manager)
        services.report_submit(report=report, by=manager, membership=membership(manager))
        fill(report, manager, workshops=5, fte_staff=Decimal("2"))
        services.report_submit(report=report, by=manager, membership=membership(manager), reason="Correction")
    figures = steering_figures(Scope(departement=world["departement"]), Period.month(2026, 3))
    assert figures["workshops"] == 5
    assert figures["fte_staff"] == Decimal("2")
    assert figures["costs_total"] == Decimal("4700")
    assert figures["funding_total"] == Decimal("5000")
    assert steering_figures(Scope(departement=world["other_departement"]), Period.month(2026, 3)) is None


# --- Pages --------------------------------------------------------------------------------------------------


def test_the_association_fills_keeps_what_was_typed_and_submits(report, people, client_for):
    client = client_for(people["manager"])
    url = reverse("reporting:report_edit", kwargs={"report_id": report.pk})
    form = {
        "fte_staff": "1,5",
        "fte_volunteers": "0,5",
        "cost_staff": "4200",
        "ase_structures_contacted": "4",
        "ase_structures_met": "2",
        "information_meetings": "1",
        "awareness_actions": "0",
        "workshops": "deux",
        "difficulties": "Délais de consentement",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-0-funder": "Fondation X",
        "funding-0-sub_project": "parrainage",
        "funding-0-amount": "1 200,50",
        "funding-1-funder": "",
        "funding-1-sub_project": "",
        "funding-1-amount": "",
    }
    with freeze_time("2026-04-02 10:00"):
        response = client.post(url, {**form, "action": "save"})
        assert response.status_code == 422
        assert 'value="Délais de consentement"' in page(
            response
        ) or "Délais de consentement</textarea>" in page(response)
        assert "Fondation X" in page(response)
        report.refresh_from_db()
        assert report.started_at is None  # nothing saved

        response = client.post(url, {**form, "workshops": "2", "action": "submit"})
        assert response.status_code == 302
        detail = page(client.get(response["Location"]))
    report.refresh_from_db()
    assert report.current_revision == 1
    assert report.fte_staff == Decimal("1.5")
    assert report.funding == [{"funder": "Fondation X", "sub_project": "parrainage", "amount": "1200.50"}]
    assert "Version 1 (en vigueur)" in detail
    assert "1\u00a0200,50\u00a0€" in detail


def test_a_missing_number_is_shown_next_to_its_field_and_the_draft_is_kept(report, people, client_for):
    client = client_for(people["manager"])
    url = reverse("reporting:report_edit", kwargs={"report_id": report.pk})
    with freeze_time("2026-04-02 10:00"):
        response = client.post(
            url,
            {
                "fte_staff": "2",
                "difficulties": "RAS",
                "funding-TOTAL_FORMS": "0",
                "funding-INITIAL_FORMS": "0",
                "action": "submit",
            },
        )
    assert response.status_code == 422
    assert "Obligatoire pour transmettre (0 si aucun)." in page(response)
    report.refresh_from_db()
    assert (report.fte_staff, report.difficulties, report.current_revision) == (Decimal("2"), "RAS", 0)


def test_the_pilot_sees_every_association_status_and_reminds_one(
    world, report, people, client_for, mailoutbox
):
    client = client_for(people["pilot"])
    url = reverse("reporting:period_detail", kwargs={"period_id": report.period_id})
    with freeze_time("2026-04-06 09:00"):
        table = page(client.get(url))
        assert "Association A" in table and "En retard" in table
        remind = reverse("reporting:report_remind", kwargs={"report_id": report.pk})
        assert client.post(remind).status_code == 302
        again = client.post(remind, follow=True)
    assert "déjà été relancée aujourd'hui" in page(again)
    [mail] = mailoutbox
    assert mail.to == [people["manager"].email]
    assert mail.subject.endswith("Relance du département : suivi mensuel de mars 2026")
    report.refresh_from_db()
    assert report.last_reminded_at is not None


def test_the_pilot_reads_the_history_of_versions(world, report, people, client_for):
    manager = people["manager"]
    with freeze_time("2026-04-02"):
        fill(report, manager)
        services.report_submit(report=report, by=manager, membership=membership(manager))
        fill(report, manager, workshops=4)
        services.report_submit(
            report=report, by=manager, membership=membership(manager), reason="Ateliers recomptés"
        )
    client = client_for(people["pilot"])
    url = reverse("reporting:report_detail", kwargs={"report_id": report.pk})
    detail = page(client.get(url))
    assert "Version 2 (en vigueur)" in detail
    assert "Motif : Ateliers recomptés" in detail
    assert "Ateliers collectifs : 2 → 4" in detail
    first = page(client.get(url + "?version=1"))
    assert "Version 1 (remplacée)" in first
    assert client.get(url + "?version=7").status_code == 404


def test_the_report_reads_in_french(world, report, people, client_for):
    manager = people["manager"]
    with freeze_time("2026-04-02"):
        services.report_save(
            report=report,
            data={**FIGURES, "fte_staff": Decimal("3.10"), "cost_staff": Decimal("9920.00")},
            funding=[
                {"funder": "État", "sub_project": "mentoring", "amount": Decimal("1544")},
                {"funder": "CAF", "sub_project": "parrainage", "amount": Decimal("1250.50")},
            ],
            by=manager,
        )
        services.report_submit(report=report, by=manager, membership=membership(manager))
    url = reverse("reporting:report_detail", kwargs={"report_id": report.pk})
    detail = page(client_for(people["pilot"]).get(url))
    nbsp = "\u00a0"
    assert "<dt>ETP salariés</dt><dd>3,1</dd>" in detail
    assert f"<dt>Coûts de personnel</dt><dd>9{nbsp}920{nbsp}€</dd>" in detail
    assert f"<dt>Communication</dt><dd>0{nbsp}€</dd>" in detail
    assert (
        f'<td data-label="Sous-projet">Mentorat</td><td data-label="Montant" class="num">1{nbsp}544{nbsp}€</td>'
        in detail
    )
    assert (
        f'<td data-label="Sous-projet">Parrainage</td><td data-label="Montant" class="num">1{nbsp}250,50{nbsp}€</td>'
        in detail
    )
    for raw in ("9920,00", "3,10", ">1544<", ">mentoring<"):
        assert raw not in detail


def test_the_departement_does_not_see_a_draft(report, people, client_for):
    with freeze_time("2026-03-20"):
        fill(report, people["manager"], difficulties="Brouillon interne")
    detail = page(
        client_for(people["pilot"]).get(reverse("reporting:report_detail", kwargs={"report_id": report.pk}))
    )
    assert "pas encore été transmis" in detail
    assert "Brouillon interne" not in detail


def test_the_list_of_periods_counts_submissions(world, report, people, client_for):
    AssociationReportFactory(period=report.period)
    with freeze_time("2026-04-02"):
        fill(report, people["manager"])
        services.report_submit(report=report, by=people["manager"], membership=membership(people["manager"]))
    with freeze_time("2026-04-08"):
        listing = page(client_for(people["pilot"]).get(reverse("reporting:periods")))
    assert "1 / 2" in listing
    assert "Mars 2026" in listing


def test_periods_factory_is_usable(world):
    period = ReportingPeriodFactory(departement=world["departement"])
    assert period.deadline == datetime.date(2026, 4, 5)


def test_a_funding_line_with_an_unknown_sub_project_is_refused(report, people):
    with pytest.raises(ValidationError, match="Sous-projet inconnu : mentorat"):
        services.report_save(
            report=report,
            data=FIGURES,
            funding=[{"funder": "CAF", "sub_project": "mentorat", "amount": Decimal("100")}],
            by=people["manager"],
        )
    report.refresh_from_db()
    assert report.funding == [] and report.started_at is None
