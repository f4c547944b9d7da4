"""When each association reports: its own due date (its convention's day of the next month, clamped to
the month's end, or the one date the pilot fixed for everyone) and quarterly reporting (one report in
the quarter's last month, for its three months); statuses and reminders on the right days; the
steering figures when monthly and quarterly associations mix."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.conventions.models import Convention, ReportingFrequency
from binome.reporting import services
from binome.reporting.cotech import cotech_html
from binome.reporting.figures import quarterly_note, steering_figures
from binome.reporting.models import AssociationReport, ReportingPeriod, ReportStatus
from binome.reporting.months import due_date, span_label
from binome.reporting.tasks import daily_reporting
from binome.steering.indicators import Scope
from binome.steering.periods import Period
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.reporting.factories import FIGURES, ReportedPairFactory

D = datetime.date
FEBRUARY, MARCH = D(2026, 2, 1), D(2026, 3, 1)
JULY, AUGUST, SEPTEMBER, OCTOBER = D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)
QUARTER = "trimestre juillet–septembre 2026"


def add_association(world, name, **terms):
    association = AssociationFactory(name=name)
    ConventionFactory(
        departement=world["departement"],
        association=association,
        start_date=D(2020, 1, 1),
        end_date=None,
        **terms,
    )
    return association


@pytest.fixture
def quarterly(world, conventions):
    """Association Q reports by quarter, before the 15th; association A monthly, before the 5th."""
    return add_association(
        world, "Association Q", reporting_frequency=ReportingFrequency.QUARTERLY, reporting_day=15
    )


@pytest.fixture
def people(world, member, quarterly):
    return {
        "manager": member(Role.MANAGER),
        "q_manager": member(Role.MANAGER, organisation=quarterly),
        "pilot": member(Role.PILOT),
    }


def open_months(*days):
    for day in days:
        with freeze_time(f"{day} 06:45"):
            services.periods_open_due()


def report_of(association, month):
    return AssociationReport.objects.select_related("period").get(
        association=association, period__month=month
    )


def submit(report, user, funding="1000", **changes):
    services.report_save(
        report=report,
        data={**FIGURES, **changes},
        funding=[{"funder": "Département", "sub_project": "mentoring", "amount": Decimal(funding)}],
        by=user,
    )
    return services.report_submit(report=report, by=user, membership=user.memberships.get())


def page(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- Due dates ---------------------------------------------------------------------------------------------


def test_the_due_date_is_the_conventions_day_of_the_next_month_clamped_to_its_end():
    assert due_date(D(2026, 3, 1), 5) == D(2026, 4, 5)
    assert due_date(D(2026, 12, 1), 5) == D(2027, 1, 5)
    assert due_date(D(2026, 10, 1), 31) == D(2026, 11, 30)
    assert due_date(D(2027, 1, 1), 30) == D(2027, 2, 28)
    assert due_date(D(2028, 1, 1), 30) == D(2028, 2, 29)
    # The same rule where a report gets its terms (the database keeps a convention's day within 1–28,
    # the rule does not rely on it).
    october = ReportingPeriod(month=OCTOBER, deadline=D(2026, 11, 5))
    assert services.report_terms(october, Convention(reporting_day=31)) == (OCTOBER, D(2026, 11, 30))
    september = ReportingPeriod(month=SEPTEMBER, deadline=D(2026, 10, 5))
    quarterly = Convention(reporting_day=31, reporting_frequency=ReportingFrequency.QUARTERLY)
    assert services.report_terms(september, quarterly) == (JULY, D(2026, 10, 31))
    assert span_label(JULY, SEPTEMBER) == QUARTER
    assert span_label(SEPTEMBER, SEPTEMBER) == "septembre 2026"


def test_each_association_is_due_on_its_own_conventions_day(world, conventions):
    add_association(world, "Association D", reporting_day=20)
    open_months("2026-03-01")
    period = ReportingPeriod.objects.get(departement=world["departement"], month=MARCH)
    assert dict(period.reports.values_list("association__name", "due_on")) == {
        "Association A": D(2026, 4, 5),
        "Association D": D(2026, 4, 20),
    }
    assert (period.fixed_deadline, period.deadline) == (None, D(2026, 4, 20))  # the latest
    on = D(2026, 4, 10)
    assert {r.association.name: r.status(on) for r in period.reports.select_related("association")} == {
        "Association A": ReportStatus.LATE,
        "Association D": ReportStatus.NOT_STARTED,
    }
    assert list(period.reports.late(on).values_list("association__name", flat=True)) == ["Association A"]


def test_the_pilots_date_overrides_every_convention_and_an_empty_one_leaves_them(
    world, member, conventions, client_for
):
    add_association(world, "Association D", reporting_day=20)
    client = client_for(member(Role.PILOT))
    with freeze_time("2026-03-02 10:00"):
        client.post(reverse("reporting:period_open"), {"month": "2026-02", "deadline": "2026-03-28"})
        client.post(reverse("reporting:period_open"), {"month": "2026-01", "deadline": ""})
    february = ReportingPeriod.objects.get(departement=world["departement"], month=FEBRUARY)
    assert february.fixed_deadline == D(2026, 3, 28)
    assert set(february.reports.values_list("due_on", flat=True)) == {D(2026, 3, 28)}
    january = ReportingPeriod.objects.get(departement=world["departement"], month=D(2026, 1, 1))
    assert january.fixed_deadline is None
    assert dict(january.reports.values_list("association__name", "due_on")) == {
        "Association A": D(2026, 2, 5),
        "Association D": D(2026, 2, 20),
    }
    # An association joining the period later gets the pilot's date too, not its convention's.
    newcomer = AssociationFactory(name="Association E")
    ConventionFactory(
        departement=world["departement"], association=newcomer, start_date=D(2026, 2, 20), reporting_day=3
    )
    open_months("2026-03-02")
    assert february.reports.get(association=newcomer).due_on == D(2026, 3, 28)
    with freeze_time("2026-03-02 10:10"):
        detail = page(client.get(reverse("reporting:period_detail", kwargs={"period_id": february.pk})))
    assert "28/03/2026, fixée par le département" in detail


# --- Quarterly reporting ------------------------------------------------------------------------------------


def test_a_quarterly_association_reports_once_a_quarter_for_its_three_months(world, quarterly):
    open_months("2026-07-01", "2026-08-01", "2026-09-01")
    [report] = AssociationReport.objects.filter(association=quarterly)
    assert (report.period.month, report.covers_from, report.due_on) == (SEPTEMBER, JULY, D(2026, 10, 15))
    assert report.months_covered == [JULY, AUGUST, SEPTEMBER]
    assert (report.label, report.title) == (QUARTER, f"suivi du {QUARTER}")
    # The monthly association reports every month, due on its own day.
    monthly = AssociationReport.objects.filter(association=world["association"]).order_by("period__month")
    assert list(monthly.values_list("covers_from", "due_on")) == [
        (JULY, D(2026, 8, 5)),
        (AUGUST, D(2026, 9, 5)),
        (SEPTEMBER, D(2026, 10, 5)),
    ]


def test_a_departement_whose_associations_all_report_by_quarter_opens_only_quarter_ends(world, conventions):
    Convention.objects.filter(departement=world["other_departement"]).update(
        reporting_frequency=ReportingFrequency.QUARTERLY
    )
    open_months("2026-07-01", "2026-08-01")
    assert not ReportingPeriod.objects.filter(departement=world["other_departement"]).exists()
    open_months("2026-09-01")
    [period] = ReportingPeriod.objects.filter(departement=world["other_departement"])
    assert (period.month, period.reports.get().covers_from) == (SEPTEMBER, JULY)


def test_a_quarterly_convention_ended_during_the_quarter_still_reports_it(world, quarterly):
    Convention.objects.filter(association=quarterly).update(end_date=D(2026, 8, 20))
    open_months("2026-09-01")
    report = report_of(quarterly, SEPTEMBER)
    assert report.covers_from == JULY


def test_statuses_and_reminders_follow_each_reports_own_day(world, quarterly, people, mailoutbox):
    """The daily job from 1 July to 20 October: association A (monthly, the 5th) is reminded for each
    month, association Q (quarterly, the 15th) only for its quarter; the pilot gets one digest per
    due date passed."""
    received, day = {}, D(2026, 7, 1)
    while day <= D(2026, 10, 20):
        mailoutbox.clear()
        with freeze_time(f"{day} 06:45"):
            daily_reporting.call_local()
        for mail in mailoutbox:
            subject = mail.subject.split("] ")[-1]
            for person in ("manager", "q_manager", "pilot"):
                if people[person].email in mail.to:
                    received.setdefault(person, []).append((f"{day:%d/%m}", subject))
        day += datetime.timedelta(days=1)
    assert received["q_manager"] == [
        ("12/10", f"Suivi du {QUARTER} : à transmettre avant le 15/10/2026"),
        ("16/10", f"Suivi du {QUARTER} : échéance dépassée"),
    ]
    assert received["manager"] == [
        ("02/08", "Suivi mensuel de juillet 2026 : à transmettre avant le 05/08/2026"),
        ("06/08", "Suivi mensuel de juillet 2026 : échéance dépassée"),
        ("02/09", "Suivi mensuel d'août 2026 : à transmettre avant le 05/09/2026"),
        ("06/09", "Suivi mensuel d'août 2026 : échéance dépassée"),
        ("02/10", "Suivi mensuel de septembre 2026 : à transmettre avant le 05/10/2026"),
        ("06/10", "Suivi mensuel de septembre 2026 : échéance dépassée"),
    ]
    assert [when for when, _ in received["pilot"]] == ["06/08", "06/09", "06/10", "16/10"]
    report = report_of(quarterly, SEPTEMBER)
    assert report.status(D(2026, 10, 15)) == ReportStatus.NOT_STARTED
    assert report.status(D(2026, 10, 16)) == ReportStatus.LATE


def test_a_quarter_is_submitted_from_its_last_day_with_its_three_months(world, quarterly, people):
    open_months("2026-09-01")
    report = report_of(quarterly, SEPTEMBER)
    # A pair imported by Q, followed in July only: in the quarter's live figures, not September's.
    ReportedPairFactory(
        association=quarterly,
        departement=world["departement"],
        started_on=D(2026, 7, 6),
        ended_on=D(2026, 7, 31),
        state="closed",
    )
    with (
        freeze_time("2026-09-29 10:00"),
        pytest.raises(ValidationError, match="Le trimestre n'est pas terminé"),
    ):
        submit(report, people["q_manager"])
    with freeze_time("2026-09-30 10:00"):
        revision = submit(report, people["q_manager"])
    assert revision.snapshot["covers"] == ["2026-07", "2026-08", "2026-09"]
    assert revision.snapshot["deadline"] == "2026-10-15"
    assert revision.snapshot["indicators"]["imported_pairs_followed"]["value"] == 1


def test_pages_show_the_frequency_and_each_due_date(world, quarterly, people, client_for):
    open_months("2026-07-01", "2026-09-01")
    report = report_of(quarterly, SEPTEMBER)
    july = ReportingPeriod.objects.get(departement=world["departement"], month=JULY)
    september = report.period
    q_client, pilot = client_for(people["q_manager"]), client_for(people["pilot"])
    with freeze_time("2026-10-12 09:00"):
        mine = page(q_client.get(reverse("reporting:my_reports")))
        form = page(q_client.get(reverse("reporting:report_edit", kwargs={"report_id": report.pk})))
        home = page(q_client.get(reverse("home")))
        table = page(pilot.get(reverse("reporting:period_detail", kwargs={"period_id": september.pk})))
        july_table = page(pilot.get(reverse("reporting:period_detail", kwargs={"period_id": july.pk})))
        listing = page(pilot.get(reverse("reporting:periods")))
    assert "Trimestre juillet–septembre 2026" in mine and "15/10/2026" in mine
    assert (
        "suivi <strong>trimestriel</strong>" in mine
        and "avant le <strong>15</strong> du mois suivant" in mine
    )
    assert f"Suivi du {QUARTER}</h1>" in form
    assert "Moyenne sur les trois mois" in form and "Total des trois mois." in form
    assert "Financements rattachés au trimestre" in form
    assert f"Suivi du {QUARTER} à transmettre dans 3 jours" in home
    assert "Trimestriel" in table and "Mensuel" in table
    assert "15/10/2026" in table and "05/10/2026" in table
    assert "du 05/10/2026 au 15/10/2026, selon les conventions" in table
    assert "En reporting trimestriel : Association Q." in july_table
    assert "avec celui de septembre 2026" in july_table
    assert "du 05/10/2026 au 15/10/2026, selon les conventions" in listing


def test_the_cotech_pack_lists_each_due_date_and_says_who_reports_by_quarter(world, quarterly, people):
    open_months("2026-09-01")
    period = ReportingPeriod.objects.get(departement=world["departement"], month=SEPTEMBER)
    text = " ".join(cotech_html(period, today=D(2026, 10, 1)).split())
    assert "Suivi mensuel de septembre 2026 : 1 association sur 1" in text
    assert f"Suivi du {QUARTER} : 1 association sur 1" in text
    assert "Association Q déclare par trimestre" in text


# --- Steering figures, monthly and quarterly mixed ------------------------------------------------------------


def test_steering_figures_mix_monthly_and_quarterly_reports(world, quarterly, people):
    """A reports July to October (monthly), Q the third quarter. By hand:

    - September: A only (Q's quarter cannot be split by month);
    - Q3: counts and amounts summed; FTE = (A's 1.5 + 1.5 + 3 + Q's 2 × 3 months) / 3 months = 4;
    - 2026: four months covered (July–October): FTE = (1.5 + 1.5 + 3 + 1 + 2 × 3) / 4 = 3.25."""
    open_months("2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01")
    monthly = {JULY: ("1.5", 1), AUGUST: ("1.5", 2), SEPTEMBER: ("3", 3), OCTOBER: ("1", 4)}
    with freeze_time("2026-11-02 10:00"):
        for month, (fte, workshops) in monthly.items():
            submit(
                report_of(world["association"], month),
                people["manager"],
                fte_staff=Decimal(fte),
                workshops=workshops,
            )
        submit(
            report_of(quarterly, SEPTEMBER),
            people["q_manager"],
            funding="9000",
            fte_staff=Decimal("2"),
            fte_volunteers=Decimal("1"),
            workshops=10,
            cost_staff=Decimal("12000"),
        )
    departement = Scope(departement=world["departement"])
    a_costs = Decimal("4700")  # FIGURES: 4,200 + 300 + 0 + 120 + 80
    q_costs = Decimal("12500")

    september = steering_figures(departement, Period.month(2026, 9))
    assert (september["fte_staff"], september["fte_volunteers"]) == (Decimal("3"), Decimal("0.5"))
    assert (september["workshops"], september["funding_total"], september["costs_total"]) == (
        3,
        Decimal("1000"),
        a_costs,
    )

    q3 = steering_figures(departement, Period("quarter", 2026, 3))
    assert q3["fte_staff"] == Decimal("4")  # (1.5 + 1.5 + 3 + 2 × 3) / 3
    assert q3["fte_volunteers"] == Decimal("1.5")  # (0.5 × 3 + 1 × 3) / 3
    assert q3["workshops"] == 1 + 2 + 3 + 10
    assert q3["funding_total"] == Decimal("12000")
    assert q3["costs_total"] == 3 * a_costs + q_costs
    assert q3["ase_structures_met"] == 4 * FIGURES["ase_structures_met"]

    q4 = steering_figures(departement, Period("quarter", 2026, 4))
    assert (q4["fte_staff"], q4["workshops"]) == (Decimal("1"), 4)

    year = steering_figures(departement, Period("year", 2026, 1))
    assert year["fte_staff"] == Decimal("3.25")  # (1.5 + 1.5 + 3 + 1 + 2 × 3) / 4
    assert year["fte_volunteers"] == Decimal("1.25")  # (0.5 × 4 + 1 × 3) / 4
    assert year["workshops"] == 20
    assert year["funding_total"] == Decimal("13000")
    assert year["costs_total"] == 4 * a_costs + q_costs

    only_q = Scope(departement=world["departement"], association=quarterly)
    assert steering_figures(only_q, Period.month(2026, 9)) is None
    assert steering_figures(only_q, Period("quarter", 2026, 3))["fte_staff"] == Decimal("2")

    note = quarterly_note(departement, Period.month(2026, 9))
    assert note.startswith("Association Q déclare par trimestre")
    assert quarterly_note(departement, Period("quarter", 2026, 3)) is None
    assert (
        quarterly_note(
            Scope(departement=world["departement"], association=world["association"]), Period.month(2026, 9)
        )
        is None
    )


def test_the_convention_form_says_what_its_reporting_terms_drive(world, member, client_for):
    client = client_for(member(Role.PILOT))
    form = page(client.get(reverse("conventions:convention_create")))
    assert "un seul suivi pour les trois mois" in form
    assert "son échéance, rappelée 3 jours avant et le lendemain" in form
    response = client.post(
        reverse("conventions:convention_create"),
        {
            "association": AssociationFactory(name="Association F").pk,
            "status": "active",
            "start_date": "2026-01-01",
            "reporting_frequency": "quarterly",
            "reporting_day": "31",
            "age_min": "11",
            "age_max": "20",
        },
    )
    assert response.status_code == 422
    assert "Choisissez un jour de 1 à 28 : il existe dans chaque mois." in html.unescape(
        response.content.decode()
    )
