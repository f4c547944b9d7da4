"""The indicator engine against an independent recomputation from the rows of a known dataset."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from binome.mentors.models import Mentor, MentorStage, TrainingRegistration
from binome.mentorships.models import Mentorship
from binome.steering import indicators
from binome.steering.indicators import (
    AGE_BANDS,
    INDICATORS,
    REGISTRY,
    Scope,
    build_report,
    figures,
)
from binome.steering.periods import Period
from binome.utils.choices import Gender, Modality
from binome.utils.dates import age_on
from binome.youths.models import Referral
from tests.steering import dataset
from tests.steering.dataset import PERIOD, at

LAST_YEAR = PERIOD.last_year()


@pytest.fixture
def data(world):
    return dataset.build(world)


def approx(value):
    return value if value is None else pytest.approx(value, abs=0.051)


def assert_pair_figures(values, expected):
    for key, value in expected.items():
        assert values[key] == approx(value), key


@pytest.mark.parametrize("period", [PERIOD, LAST_YEAR, Period("quarter", 2026, 1), Period("year", 2025, 1)])
def test_pair_figures_match_a_recomputation_from_the_rows(data, period):
    pairs = dataset.refreshed(data.pairs)
    mine = [p for p in pairs if p.departement_id == data.departement.pk]
    (values,) = figures(Scope(departement=data.departement), [period])
    assert_pair_figures(values, dataset.reference(mine, period))
    assert values["pairs_followed"] > 0  # the dataset does exercise the period


def test_same_period_last_year_is_computed_in_the_same_queries(data):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    current, previous = figures(Scope(departement=data.departement), [PERIOD, LAST_YEAR])
    assert_pair_figures(current, dataset.reference(pairs, PERIOD))
    assert_pair_figures(previous, dataset.reference(pairs, LAST_YEAR))


def test_association_and_territory_scopes(data):
    pairs = dataset.refreshed(data.pairs)
    association = data.associations[1]
    (values,) = figures(Scope(departement=data.departement, association=association), [PERIOD])
    assert_pair_figures(
        values, dataset.reference([p for p in pairs if p.association_id == association.pk], PERIOD)
    )
    territory = data.territories[0]
    (values,) = figures(Scope(departement=data.departement, territory=territory), [PERIOD])
    expected = [
        p for p in pairs if p.departement_id == data.departement.pk and p.youth.territory_id == territory.pk
    ]
    assert_pair_figures(values, dataset.reference(expected, PERIOD))
    # Mentors belong to associations, not territories: not computed, rather than wrong.
    assert values["mentors_trained"] is None


def test_national_scope_counts_every_departement(data):
    pairs = dataset.refreshed(data.pairs)
    (values,) = figures(Scope(), [PERIOD])
    assert_pair_figures(values, dataset.reference(pairs, PERIOD))


def test_breakdowns_match_a_recomputation(data):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    report = build_report(Scope(departement=data.departement), PERIOD)
    unknown = "Non renseigné"

    def check(key, label_of, period=PERIOD, column=1):
        expected = dataset.youths_by(pairs, period, label_of)
        got = {row[0]: row[column] for row in report.breakdown(key).rows if row[column]}
        assert got == expected, key

    check("association", lambda p: p.association.name)
    check("territory", lambda p: p.youth.territory.name if p.youth.territory else unknown)
    check("school_level", lambda p: p.youth.school_level.label if p.youth.school_level else unknown)
    check("care_measure", lambda p: p.youth.care_measure.label if p.youth.care_measure else unknown)
    check("gender", lambda p: Gender(p.youth.gender).label)
    check("modality", lambda p: Modality(p.youth.modality).label if p.youth.modality else unknown)
    check("objective", lambda p: [o.label for o in p.youth.objectives.all()] or unknown)
    check("association", lambda p: p.association.name, LAST_YEAR, 2)
    check("territory", lambda p: p.youth.territory.name if p.youth.territory else unknown, LAST_YEAR, 2)
    check("objective", lambda p: [o.label for o in p.youth.objectives.all()] or unknown, LAST_YEAR, 2)

    def band(on):
        def label(p):
            age = age_on(p.youth.birth_date, on)
            code = (
                "lt11"
                if age < 11
                else "11_14"
                if age < 15
                else "15_17"
                if age < 18
                else "18_20"
                if age < 21
                else "21plus"
            )
            return dict(AGE_BANDS)[code]

        return label

    check("age", band(PERIOD.end))
    check("age", band(LAST_YEAR.end), LAST_YEAR, 2)

    def origin(period):
        def label(p):
            if dataset.launched(p, period):
                return "Reconduction" if p.is_renewal else "Nouveau binôme"
            return "Binôme commencé avant"

        return label

    check("origin", origin(PERIOD))
    check("origin", origin(LAST_YEAR), LAST_YEAR, 2)


def test_trend_matches_month_by_month(data):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    trend = indicators.trend(Scope(departement=data.departement), PERIOD)
    assert trend.months[0].key == "2025-04" and trend.months[-1] == PERIOD
    for i, month in enumerate(trend.months):
        expected = dataset.reference(pairs, month)
        assert trend.followed[i] == expected["pairs_followed"]
        assert trend.new[i] == expected["pairs_new"] + expected["pairs_renewed"]
        assert trend.closed[i] == expected["pairs_closed"]


def test_summary_by_association(data):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    rows = indicators.by_association(Scope(departement=data.departement), PERIOD)
    assert {r["association__name"] for r in rows} == {"Association A", "Association C"}
    for row in rows:
        expected = dataset.reference(
            [p for p in pairs if p.association.name == row["association__name"]], PERIOD
        )
        for key in ("youths_mentored", "pairs_followed", "pairs_new", "pairs_renewed", "pairs_closed"):
            assert row[key] == expected[key], key
        assert row["delay_referral_to_first_meeting_avg"] == approx(
            expected["delay_referral_to_first_meeting_avg"]
        )


def test_coverage_counts_the_minors_of_the_obligation(data):
    """The funnel's first step and headline on the dataset, recomputed from the rows: the minors in
    care on the period's last day, and those to whom mentoring had been proposed by then."""
    (values,) = figures(Scope(departement=data.departement), [PERIOD])
    eligible = dataset.eligible_youths(data.departement, PERIOD.end)
    minors = [y for y in eligible if age_on(y.birth_date, PERIOD.end) < 18]
    adults = [y for y in eligible if age_on(y.birth_date, PERIOD.end) >= 18]
    proposed = [
        y
        for y in minors
        if y.proposal_outcome in ("accepted", "declined_youth", "declined_guardians")
        and y.proposal_date is not None
        and y.proposal_date <= PERIOD.end
    ]
    assert values["coverage_due"] == len(minors) > 0
    assert values["young_adults_eligible"] == len(adults)
    assert values["coverage_proposed"] == len(proposed)
    assert values["coverage_rate"] == pytest.approx(len(proposed) / len(minors))


def test_an_association_does_not_answer_for_the_legal_obligation(data):
    (values,) = figures(Scope(association=data.associations[0]), [PERIOD])
    assert values["coverage_due"] is None and values["coverage_rate"] is None


def test_referral_and_mentor_figures(data):
    scope = Scope(departement=data.departement)
    (values,) = figures(scope, [PERIOD])
    referrals = list(Referral.objects.filter(departement=data.departement).select_related("youth"))

    def within(moment):
        return moment is not None and PERIOD.start <= dataset.local(moment) <= PERIOD.end

    assert values["referrals_submitted"] == sum(1 for r in referrals if within(r.submitted_at))
    assert values["referrals_accepted"] == sum(1 for r in referrals if within(r.accepted_at))
    assert values["structures_mobilised"] == len(
        {r.youth.ase_service_id for r in referrals if within(r.submitted_at)}
    )
    mentors = list(Mentor.objects.filter(association__in=data.associations))
    assert values["mentors_applied"] == sum(1 for m in mentors if within(m.created_at))
    trained = {
        r.mentor_id
        for r in TrainingRegistration.objects.filter(mentor__in=mentors, attended=True).select_related(
            "session"
        )
        if within(r.session.starts_at)
    }
    assert values["mentors_trained"] == len(trained) > 0
    assert values["mentors_available"] == sum(
        1 for m in mentors if m.stage in (MentorStage.READY, MentorStage.IN_PAIR)
    )
    # For an association: the referrals routed to it.
    association = data.associations[0]
    (values,) = figures(Scope(association=association), [PERIOD])
    assert values["referrals_submitted"] == sum(
        1 for r in referrals if r.association_id == association.pk and within(r.routed_at)
    )


def test_edges_of_the_period(world):
    """Midnight in Paris, the first and last days, closures the day before."""
    from tests.mentors.factories import MentorFactory
    from tests.youths.factories import YouthFactory

    dept, association = world["departement"], world["association"]
    mentor = MentorFactory(association=association, in_pair=True)

    def pair(validated, ended=None, started=None, accepted=None):
        return Mentorship.objects.create(
            association=association,
            departement=dept,
            youth=YouthFactory(ase_service=world["ase_service"]),
            mentor=mentor,
            state="closed" if ended else "active",
            validated_at=validated,
            started_at=started,
            ended_at=ended,
            referral_accepted_at=accepted,
        )

    day = datetime.date
    # 10 days, validated and launched in March (Paris time)
    pair(at(2026, 3, 31, 23, 59), accepted=at(2026, 3, 21, 23, 59), started=day(2026, 3, 31))
    pair(at(2026, 4, 1, 0, 0), accepted=at(2026, 3, 1, 0, 0), started=day(2026, 4, 1))  # April: not in March
    # February: half a day; launched on the 28th, followed in March
    pair(at(2026, 2, 28, 23, 0), accepted=at(2026, 2, 28, 11, 0), started=day(2026, 2, 28))
    pair(at(2025, 1, 10), ended=day(2026, 3, 1), started=day(2025, 1, 15))  # closed 1st March
    pair(at(2025, 1, 10), ended=day(2026, 2, 28), started=day(2025, 1, 10))  # closed the day before
    pair(at(2026, 1, 1), ended=day(2026, 3, 31), started=day(2026, 1, 1))  # 89 days: before 6 months
    pair(at(2026, 3, 2))  # validated in March, never launched: not followed, « à signer »
    (values,) = figures(Scope(departement=dept), [PERIOD])
    assert values["pairs_new"] == 1
    assert values["pairs_followed"] == 4  # 31 March, 28 February, closed 1st and 31 March
    assert values["pairs_active_end"] == 2
    assert values["pairs_to_sign_end"] == 1
    assert values["pairs_closed"] == 2
    assert values["closed_before_6_months_share"] == 0.5
    assert values["closed_before_12_months_share"] == 0.5
    assert values["duration_avg"] == pytest.approx((410 + 89) / 2)
    assert values["time_to_match_avg"] == 10.0
    assert values["time_to_match_median"] == 10.0
    (february,) = figures(Scope(departement=dept), [Period.month(2026, 2)])
    assert february["time_to_match_median"] == 0.5


def test_median_of_an_even_count_is_the_mean_of_the_middle_pair(world):
    from tests.mentors.factories import MentorFactory
    from tests.youths.factories import YouthFactory

    mentor = MentorFactory(association=world["association"], in_pair=True)
    for wait in (1, 2, 10, 40):
        Mentorship.objects.create(
            association=world["association"],
            departement=world["departement"],
            youth=YouthFactory(ase_service=world["ase_service"]),
            mentor=mentor,
            validated_at=at(2026, 3, 15),
            referral_accepted_at=at(2026, 3, 15) - datetime.timedelta(days=wait),
        )
    (values,) = figures(Scope(departement=world["departement"]), [PERIOD])
    assert values["time_to_match_median"] == 6.0
    assert values["time_to_match_avg"] == 13.2


def test_figures_unknown_to_the_platform_read_not_reported(data):
    report = build_report(Scope(departement=data.departement), PERIOD)
    for indicator in INDICATORS:
        if indicator.source == "reporting":
            assert report.values[indicator.key] is None, indicator.key


def test_every_indicator_has_a_french_label_and_definition():
    for indicator in INDICATORS:
        assert indicator.label and len(indicator.definition) > 30, indicator.key
        assert indicator.stage in indicators.STAGE_LABELS
    assert {i.stage for i in INDICATORS} == set(indicators.STAGE_LABELS)
    assert "time_to_match_median" in REGISTRY and "coverage_rate" in REGISTRY


def test_the_report_runs_a_fixed_number_of_queries(data, world):
    from tests.mentors.factories import MentorFactory
    from tests.youths.factories import YouthFactory

    scope = Scope(departement=data.departement)
    with CaptureQueriesContext(connection) as small:
        build_report(scope, PERIOD)
    mentor = MentorFactory(association=world["association"], in_pair=True)
    for n in range(30):  # more pairs, more youths, more territories: the same queries
        Mentorship.objects.create(
            association=world["association"],
            departement=data.departement,
            youth=YouthFactory(ase_service=world["ase_service"], territory=data.territories[n % 2]),
            mentor=mentor,
            validated_at=at(2026, 3, 1 + n % 28),
            started_at=datetime.date(2026, 3, 1 + n % 28),
            referral_accepted_at=at(2026, 2, 1),
        )
    with CaptureQueriesContext(connection) as large:
        report = build_report(scope, PERIOD)
    assert report.values["pairs_new"] >= 30
    # 44 on SQLite (a median is two queries there, one on PostgreSQL), of which 3 read the pairs imported
    # from the associations' CRMs for the breakdowns, the trend and the per-association summary (one
    # query each, whatever their number), 1 the declared funding and costs line by line, 1 the
    # corrections of declared figures, 2 the département's settings and own indicators, 2 the shares
    # of youths in a QPV or a rural commune, 1 per period without declared costs (the conventions'
    # yearly subsidies).
    assert len(large.captured_queries) == len(small.captured_queries) <= 44


@pytest.mark.parametrize("period", [PERIOD, LAST_YEAR, Period("year", 2025, 1)])
def test_lifecycle_figures_match_a_recomputation(data, period):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    (values,) = figures(Scope(departement=data.departement), [period])
    expected = dataset.lifecycle_reference(pairs, period, data.associations)
    for key, value in expected.items():
        assert values[key] == approx(value), key
    assert values["meetings_held"] > 0  # the dataset does exercise the period
    if period.kind == "year":
        assert values["exit_surveys"] > 0 and values["pairs_abandoned"] > 0


def test_lifecycle_figures_for_an_association(data):
    association = data.associations[0]
    pairs = [p for p in dataset.refreshed(data.pairs) if p.association_id == association.pk]
    (values,) = figures(Scope(association=association), [Period("year", 2025, 1)])
    expected = dataset.lifecycle_reference(pairs, Period("year", 2025, 1), [association])
    for key, value in expected.items():
        assert values[key] == approx(value), key


def test_follow_up_colours_and_closure_reasons(data):
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    report = build_report(Scope(departement=data.departement), Period("year", 2025, 1))
    open_pairs = [p for p in pairs if p.state in ("agreement", "active")]
    green = sum(1 for p in open_pairs if p.colour == "green")
    assert report.values["green_share"] == pytest.approx(green / len(open_pairs))
    labels = {
        "green": "À jour",
        "orange": "Bientôt dû",
        "red": "En retard ou préoccupation",
        "": "Non renseigné",
    }
    expected = {}
    for p in open_pairs:
        expected[labels[p.colour]] = expected.get(labels[p.colour], 0) + 1
    assert {row[0]: row[1] for row in report.breakdown("colour").rows} == expected
    closed = [p for p in pairs if dataset.closed(p, Period("year", 2025, 1))]
    reasons = {}
    for p in closed:
        label = (
            "Non renseigné"
            if not p.closure_reason
            else f"{p.get_closure_category_display()} — {p.get_closure_reason_display()}"
        )
        reasons[label] = reasons.get(label, 0) + 1
    assert {row[0]: row[1] for row in report.breakdown("closure_reason").rows} == reasons
    assert "Arrêt lié au binôme — Mentor indisponible (temps, déménagement, santé)" in reasons


def test_pairs_imported_from_an_association_crm_add_up(data):
    from binome.reporting.models import ReportedMeetings, ReportedPair

    scope = Scope(departement=data.departement)
    (before,) = figures(scope, [PERIOD])

    def imported(n, started, ended=None, renewal=False):
        return ReportedPair.objects.create(
            association=data.associations[0],
            departement=data.departement,
            external_id=f"CRM-{n}",
            youth_external_id=f"Y-{n}",
            birth_year=2012,
            gender="f",
            started_on=started,
            ended_on=ended,
            state="closed" if ended else "active",
            is_renewal=renewal,
        )

    first = imported(1, datetime.date(2026, 3, 10))  # new in March
    imported(2, datetime.date(2026, 3, 20), renewal=True)  # renewed in March
    imported(3, datetime.date(2025, 9, 1), ended=datetime.date(2026, 3, 15))  # closed in March
    imported(4, datetime.date(2024, 1, 1), ended=datetime.date(2026, 2, 1))  # over before March
    ReportedMeetings.objects.create(pair=first, month=datetime.date(2026, 3, 1), in_person=2, remote=2)
    (after,) = figures(scope, [PERIOD])
    assert after["pairs_followed"] == before["pairs_followed"] + 3
    assert after["youths_mentored"] == before["youths_mentored"] + 3
    assert after["pairs_new"] == before["pairs_new"] + 1
    assert after["pairs_renewed"] == before["pairs_renewed"] + 1
    assert after["pairs_closed"] == before["pairs_closed"] + 1
    assert after["pairs_active_end"] == before["pairs_active_end"] + 2
    assert after["meetings_held"] == before["meetings_held"] + 4
    remote = before["meetings_remote_share"] * before["meetings_held"] + 2
    assert after["meetings_remote_share"] == pytest.approx(remote / after["meetings_held"])
