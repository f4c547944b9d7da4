"""The definitions a département signs (issue 13), each on a small hand-built world whose right answer is
worked out by hand in the test — never by calling the code under test.

Period looked at: October 2026 (1st to 31st). « today » is frozen in December 2026 unless said."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.mentorships.models import Agreement, Meeting, MeetingModality, MeetingStatus, Mentorship
from binome.references.models import ReferenceItem, ReferenceKind
from binome.reporting import services as reporting_services
from binome.steering.dictionary import render
from binome.steering.exports import write_steering_workbook
from binome.steering.figures import figures
from binome.steering.periods import Period
from binome.steering.registry import INDICATORS
from binome.steering.report import build_report
from binome.steering.scope import Scope
from binome.steering.tables import all_tables
from binome.youths.models import Referral, ReferralState
from tests.accounts.factories import AseServiceFactory, MembershipFactory, UserFactory
from tests.mentors.factories import MentorFactory
from tests.reporting.factories import AssociationReportFactory, ReportingPeriodFactory
from tests.youths.factories import ConsentFactory, SituationAssessmentFactory, YouthFactory

OCTOBER = Period.month(2026, 10)
NOVEMBER = Period.month(2026, 11)
day = datetime.date


def moment(y, m, d, hour=10):
    return timezone.make_aware(datetime.datetime(y, m, d, hour))


def one(scope, period=OCTOBER):
    (values,) = figures(scope, [period])
    return values


@pytest.fixture
def mentor(world):
    return MentorFactory(association=world["association"], in_pair=True)


def pair(world, mentor, *, validated, started=None, ended=None, signed=None, youth=None, **fields):
    """A pair of the world's association; `signed`: when the initial agreement got its last signature."""
    youth = youth or YouthFactory(ase_service=world["ase_service"])
    mentorship = Mentorship.objects.create(
        association=world["association"],
        departement=world["departement"],
        youth=youth,
        mentor=mentor,
        state="closed" if ended else ("active" if started else "agreement"),
        validated_at=moment(*validated),
        started_at=day(*started) if started else None,
        ended_at=day(*ended) if ended else None,
        **fields,
    )
    if signed or started:
        Agreement.objects.create(
            mentorship=mentorship,
            modality="in_person",
            objectives="Soutien scolaire",
            start_on=day(2026, 9, 1),
            end_on=day(2027, 3, 1),
            completed_at=moment(*(signed or started)),
        )
    return mentorship


# --- 1. Coverage of the legal obligation ------------------------------------------------------------


def test_coverage_is_proposed_over_minors_due_with_the_funnel_and_young_adults_apart(world, mentor):
    service, other = (
        world["ase_service"],
        AseServiceFactory(departement=world["departement"], name="Service 2"),
    )

    def youth(born, ase_service=service, **fields):
        return YouthFactory(ase_service=ase_service, birth_date=day(*born), **fields)

    # Y1, 14 on 31 October: every step of the funnel, in a launched pair still open.
    y1 = youth(
        (2012, 5, 1), proposal_outcome="accepted", proposal_date=day(2026, 4, 1), consents_complete=True
    )
    SituationAssessmentFactory(youth=y1, date=day(2026, 3, 1))
    ConsentFactory(youth=y1, date=day(2026, 4, 10))
    referral = Referral.objects.create(
        youth=y1,
        departement=world["departement"],
        association=world["association"],
        state=ReferralState.MATCHED,
        submitted_at=moment(2026, 5, 1),
        accepted_at=moment(2026, 5, 10),
    )
    pair(world, mentor, youth=y1, referral=referral, validated=(2026, 6, 1), started=(2026, 7, 1))
    # Y2, 13, other service: assessed more than a year before the end; proposed, declined by the youth.
    y2 = youth((2013, 1, 1), other, proposal_outcome="declined_youth", proposal_date=day(2026, 6, 1))
    SituationAssessmentFactory(youth=y2, date=day(2025, 9, 1))
    # Y3, 11: assessed in October, proposed only in November (after the end).
    y3 = youth((2014, 12, 1), proposal_outcome="accepted", proposal_date=day(2026, 11, 5))
    SituationAssessmentFactory(youth=y3, date=day(2026, 10, 15))
    youth((2009, 1, 1), other)  # Y4, 17: nothing yet
    youth((2012, 2, 2), proposal_outcome="postponed", proposal_date=day(2026, 5, 1))  # Y8: not proposed
    y9 = youth((2012, 3, 3), consents_complete=True)  # consents complete only in November
    ConsentFactory(youth=y9, date=day(2026, 11, 2))
    # Y5, 18 on 31 October: a young adult, proposed, pair closed in September.
    y5 = youth(
        (2008, 6, 1), legal_status="young_adult", proposal_outcome="accepted", proposal_date=day(2026, 2, 1)
    )
    pair(world, mentor, youth=y5, validated=(2026, 2, 15), started=(2026, 3, 1), ended=(2026, 9, 30))
    youth((2016, 1, 1))  # 10, not in 6e: not concerned
    youth((2012, 1, 1), archived_at=moment(2026, 6, 1))  # out of the scheme before the end

    values = one(Scope(departement=world["departement"]))
    # Minors due: Y1, Y2, Y3, Y4, Y8, Y9 = 6.
    assert values["coverage_due"] == 6
    assert values["coverage_assessed"] == 2  # Y1 and Y3 (Y2's is over a year old)
    assert values["coverage_proposed"] == 2  # Y1, Y2 (Y3 in November, Y8 postponed)
    assert values["coverage_adhesion"] == 1  # Y1
    assert values["coverage_consents"] == 1  # Y1 (Y9's last consent is dated November)
    assert values["coverage_oriented"] == values["coverage_accepted"] == values["coverage_started"] == 1
    assert values["coverage_rate"] == pytest.approx(2 / 6)
    assert (
        values["young_adults_eligible"],
        values["young_adults_proposed"],
        values["young_adults_started"],
    ) == (
        1,
        1,
        0,
    )
    # By ASE service: service A has Y1, Y3, Y8, Y9 (1 proposed), service 2 has Y2, Y4 (1 proposed).
    report = build_report(Scope(departement=world["departement"]), OCTOBER, compare=False)
    table = next(t for t in all_tables(report) if t.key == "coverage_service")
    rows = {row[0]: (row[1].value, row[2].value, row[3].value) for row in table.rows}
    assert rows == {"Service ASE A": (4, 1, 0.25), "Service 2": (2, 1, 0.5)}


# --- 2. Pairs count from their launch ---------------------------------------------------------------


def test_pairs_count_from_their_launch_and_pending_ones_are_apart(world, mentor):
    coordinator = UserFactory()
    common = {"coordinator": coordinator}
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 20), **common)  # P1 followed, open
    pair(world, mentor, validated=(2026, 10, 5), signed=(2026, 10, 20), **common)  # P2 signed, not launched
    pair(world, mentor, validated=(2026, 10, 10), **common)  # P3 still to sign
    # P4 signed in October, launched in November: « signed, not launched » on 31 October.
    pair(world, mentor, validated=(2026, 10, 1), signed=(2026, 10, 10), started=None, **common)
    Mentorship.objects.filter(validated_at=moment(2026, 10, 1)).update(
        started_at=day(2026, 11, 3), state="active"
    )
    pair(world, mentor, validated=(2026, 6, 1), started=(2026, 6, 15), ended=(2026, 10, 15))  # P5 closed

    values = one(Scope(departement=world["departement"]))
    assert values["pairs_followed"] == 2  # P1, P5
    assert values["youths_mentored"] == 2
    assert values["pairs_new"] == 0  # none launched in October
    assert values["pairs_active_end"] == 1  # P1
    assert values["pairs_to_sign_end"] == 1  # P3
    assert values["pairs_signed_not_launched_end"] == 2  # P2, P4
    assert values["pairs_closed"] == 1  # P5
    # Caseload, today: P1, P2, P3, P4 open with the same coordinator; P5 is closed.
    assert values["caseload_avg"] == 4.0
    assert values["coordinators_over_caseload"] == 0


def test_a_coordinator_above_32_open_pairs_is_flagged_to_the_manager(world, mentor):
    busy, calm = UserFactory(first_name="Alice", last_name="Chargée"), UserFactory()
    for n in range(33):
        pair(world, mentor, validated=(2026, 9, 1 + n % 28), started=(2026, 10, 1), coordinator=busy)
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 10, 1), coordinator=calm)
    report = build_report(Scope(association=world["association"]), OCTOBER, compare=False)
    assert report.values["caseload_avg"] == 17.0  # (33 + 1) ÷ 2
    assert report.values["coordinators_over_caseload"] == 1
    table = next(t for t in all_tables(report) if t.key == "caseload")
    assert [row[0] for row in table.rows] == ["Alice Chargée", calm.get_full_name() or calm.email]
    assert table.rows[0][2] == "au-delà de 32" and table.rows[1][2] == ""


# --- 3. Three delays, each named --------------------------------------------------------------------


def test_three_delays_mean_and_median(world, mentor):
    def referral(sent, accepted):
        return Referral.objects.create(
            youth=YouthFactory(ase_service=world["ase_service"]),
            departement=world["departement"],
            association=world["association"],
            state=ReferralState.ACCEPTED,
            submitted_at=moment(*sent),
            accepted_at=moment(*accepted),
        )

    r1 = referral((2026, 9, 1), (2026, 9, 11))  # accepted in September: 10 days
    r2 = referral((2026, 9, 20), (2026, 10, 5))  # 15 days, in October
    referral((2026, 10, 1), (2026, 10, 21))  # 20 days, in October, no pair yet
    # D1: accepted 11 Sept → validated 1 Oct (20 days); sent 1 Sept → launched 16 Oct (45 days).
    pair(
        world, mentor, youth=r1.youth, referral=r1, referral_accepted_at=r1.accepted_at,
        validated=(2026, 10, 1), started=(2026, 10, 16),
    )  # fmt: skip
    # D2: accepted 5 Oct → validated 9 Oct (4 days); sent 20 Sept → launched 31 Oct (41 days).
    pair(
        world, mentor, youth=r2.youth, referral=r2, referral_accepted_at=r2.accepted_at,
        validated=(2026, 10, 9), started=(2026, 10, 31),
    )  # fmt: skip
    values = one(Scope(departement=world["departement"]))
    assert values["delay_referral_to_acceptance_avg"] == 17.5  # (15 + 20) / 2
    assert values["delay_referral_to_acceptance_median"] == 17.5
    assert values["time_to_match_avg"] == 12.0  # (20 + 4) / 2
    assert values["time_to_match_median"] == 12.0
    assert values["delay_referral_to_first_meeting_avg"] == 43.0  # (45 + 41) / 2
    assert values["delay_referral_to_first_meeting_median"] == 43.0


# --- 4. Objectives: reached, mostly, partly, not reached apart -------------------------------------


def test_objectives_reached_partly_and_not_are_apart(world, mentor):
    for answer in ("yes", "mostly", "partly", "partly", "no"):
        pair(
            world, mentor, validated=(2026, 1, 5), started=(2026, 1, 10), ended=(2026, 10, 20),
            objectives_reached=answer,
        )  # fmt: skip
    pair(
        world,
        mentor,
        validated=(2026, 1, 5),
        started=(2026, 1, 10),
        ended=(2026, 9, 30),
        objectives_reached="yes",
    )
    values = one(Scope(departement=world["departement"]))
    assert values["pairs_objective_reached"] == 1  # « en partie » is not « atteint »
    assert values["pairs_objective_mostly"] == 1
    assert values["pairs_objective_partly"] == 2
    assert values["pairs_objective_not_reached"] == 1


# --- 5, 6, 8. Declared figures: per salaried FTE, annual cost per pair, « non renseigné » -----------


@pytest.fixture
def ten_pairs(world, mentor):
    for n in range(10):
        pair(world, mentor, validated=(2026, 9, 1 + n), started=(2026, 9, 10 + n))


ACTIVITY_FIELDS = (
    "ase_structures_contacted",
    "ase_structures_met",
    "information_meetings",
    "awareness_actions",
    "workshops",
)


def declare(world, month, **figures_):
    """The association's report for `month`, submitted by its manager in the following month."""
    membership = MembershipFactory(
        user=UserFactory(with_totp=True), organisation=world["association"], role=Role.MANAGER
    )
    manager = membership.user
    period = ReportingPeriodFactory(departement=world["departement"], month=month)
    report = AssociationReportFactory(period=period, association=world["association"])
    with freeze_time(month.replace(month=month.month + 1, day=2)):
        data = dict.fromkeys(ACTIVITY_FIELDS, 0) | figures_
        reporting_services.report_save(report=report, data=data, funding=[], by=manager)
        reporting_services.report_submit(report=report, by=manager, membership=membership)


def test_pairs_per_salaried_fte_and_annual_cost_per_pair(world, ten_pairs):
    declare(
        world,
        day(2026, 10, 1),
        fte_staff=Decimal("2"),
        fte_volunteers=Decimal("1"),
        cost_staff=Decimal("4200"),
        cost_premises=Decimal("300"),
        cost_communication=Decimal("0"),
        cost_transport=Decimal("120"),
        cost_other=Decimal("80"),
    )
    values = one(Scope(departement=world["departement"]))
    assert values["pairs_active_end"] == 10
    assert values["pairs_per_staff_fte"] == 5.0  # 10 ÷ 2 salaried FTE, not ÷ 3
    assert values["costs_total"] == Decimal("4700")
    assert values["cost_months"] == 1
    assert values["cost_per_pair_year"] == 5640.0  # 4 700 × 12 ÷ 1 month ÷ 10 pairs
    assert values["cost_staff_share"] == pytest.approx(4200 / 4700)
    # The fourth quarter, with October alone declared: still a year's worth of October's costs.
    quarter = one(Scope(departement=world["departement"]), Period("quarter", 2026, 4))
    assert quarter["cost_months"] == 1
    assert quarter["cost_per_pair_year"] == 5640.0


def test_a_month_without_declaration_reads_not_reported_never_zero(world, ten_pairs):
    november = one(Scope(departement=world["departement"]), NOVEMBER)  # nothing declared
    for key in ("fte_staff", "costs_total", "pairs_per_staff_fte", "cost_per_pair_year", "workshops"):
        assert november[key] is None, key
    # In the workbook: the words, not an empty cell.
    handle = io.BytesIO()
    with freeze_time("2026-12-05 09:00"):
        write_steering_workbook(handle, departement=world["departement"], period=NOVEMBER)
    sheet = load_workbook(handle, read_only=True)["Synthèse des résultats"]
    cells = {
        row[1]: row[2] for row in sheet.iter_rows(min_row=5, values_only=True) if len(row) > 2 and row[1]
    }
    assert cells["ETP salariés"] == "non renseigné"
    assert cells["Coût annuel par binôme"] == "non renseigné"
    assert cells["Binômes suivis"] == 10


# --- 7. A past period as it stood at its end -------------------------------------------------------


def test_exporting_a_past_month_before_and_after_a_month_of_activity_gives_the_same_cells(world, mentor):
    level = ReferenceItem.objects.create(
        departement=world["departement"],
        kind=ReferenceKind.SCHOOL_LEVEL,
        code="x4e",
        label="Quatrième (test)",
    )
    higher = ReferenceItem.objects.create(
        departement=world["departement"],
        kind=ReferenceKind.SCHOOL_LEVEL,
        code="x3e",
        label="Troisième (test)",
    )
    with freeze_time("2026-09-01 09:00"):
        youth = YouthFactory(ase_service=world["ase_service"], school_level=level)
        first = pair(world, mentor, youth=youth, validated=(2026, 9, 1), started=(2026, 9, 10))
        second = pair(world, mentor, validated=(2026, 9, 2), started=(2026, 9, 12))
        waiting = YouthFactory(ase_service=world["ase_service"])  # in care, paired in November
    for mentorship, when in ((first, (2026, 10, 3)), (second, (2026, 10, 8))):
        Meeting.objects.create(
            mentorship=mentorship,
            at=moment(*when),
            status=MeetingStatus.HELD,
            modality=MeetingModality.IN_PERSON,
        )

    def export():
        handle = io.BytesIO()
        with freeze_time("2026-12-05 09:00"):
            write_steering_workbook(handle, departement=world["departement"], period=OCTOBER)
        book = load_workbook(handle, read_only=True)
        return {name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}

    before = export()
    # November: a remote meeting, the first pair closed, the youth moves up a level, a new pair launched.
    with freeze_time("2026-11-15 09:00"):
        Meeting.objects.create(
            mentorship=first,
            at=moment(2026, 11, 12),
            status=MeetingStatus.HELD,
            modality=MeetingModality.REMOTE,
        )
        Mentorship.objects.filter(pk=first.pk).update(
            ended_at=day(2026, 11, 14), state="closed", closure_category="natural", closure_reason="planned_end",
            objectives_reached="yes", meetings_in_person=2, meetings_remote=1,
        )  # fmt: skip
        youth.school_level = higher
        youth.save()
        # A new pair for a youth already in care (a youth entering care later would count in the past
        # month's coverage until the youth's care start date is recorded: see the report).
        pair(world, mentor, youth=waiting, validated=(2026, 11, 2), started=(2026, 11, 10))
    after = export()

    rows = before["Données"]
    assert len(rows) == 3  # the header and the two pairs followed in October
    assert {row[8] for row in rows[1:]} >= {"Quatrième (test)"}  # the level on 31 October
    assert [row[22:24] for row in rows[1:]] == [[1, 0], [1, 0]]  # meetings held by 31 October
    for name in ("Données", "Synthèse des résultats", "Tableau de bord", "Paramètres figés"):
        assert after[name] == before[name], name
    # The Explications tab differs only by nothing: same generation moment, same text.
    assert after["Explications"] == before["Explications"]


# --- One dictionary ---------------------------------------------------------------------------------


def test_indicators_doc_is_current():
    doc = Path(settings.BASE_DIR, "docs", "indicators.md").read_text(encoding="utf-8")
    assert doc == render(), "docs/indicators.md is out of date: run `python manage.py indicators_doc --write`"


def test_every_indicator_is_fully_described():
    for indicator in INDICATORS:
        # One sentence: no full stop followed by a new sentence (a quoted question may end with one).
        assert indicator.definition.endswith(".") and not re.search(r"\. [A-ZÀ-Ý]", indicator.definition), (
            indicator.key
        )
        assert indicator.numerator and indicator.reference, indicator.key
        assert indicator.period in ("flow", "stock", "today"), indicator.key
        if indicator.unit in ("ratio", "number") or indicator.key.endswith(("_avg", "_median")):
            assert indicator.denominator, indicator.key


def test_the_dashboard_and_the_cotech_read_the_registry_text(world, member, client_for):
    from binome.steering.registry import REGISTRY

    client = client_for(member(Role.PILOT))
    page = client.get("/pilotage/?periode=2026-10").content.decode()
    for key in ("coverage_rate", "delay_referral_to_first_meeting_avg", "cost_per_pair_year"):
        assert REGISTRY[key].definition.replace("'", "&#x27;") in page, key
