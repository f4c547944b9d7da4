"""Pairs imported from the associations' own CRMs (`reporting.ReportedPair`) count everywhere on the
steering dashboards: breakdowns, 12-month trend, per-association summary, national roll-up and the
Données tab. Each is recomputed here in plain Python from the rows, the definitions written out again:
Binôme pairs (tests/steering/dataset.py) plus imported pairs (built below)."""

import datetime
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from binome.references.models import ReferenceItem, ReferenceKind
from binome.reporting.figures import imported_age
from binome.reporting.models import ReportedMeetings
from binome.steering import indicators
from binome.steering.exports import write_steering_workbook
from binome.steering.indicators import Scope, build_report
from binome.steering.periods import Period
from binome.steering.pseudonyms import pseudonym
from binome.steering.summaries import DELAY
from binome.utils.choices import Gender, Modality
from binome.utils.dates import age_on
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.reporting.factories import ReportedPairFactory
from tests.steering import dataset
from tests.steering.dataset import PERIOD

LAST_YEAR = PERIOD.last_year()
UNKNOWN = "Non renseigné"
REASONS = [
    "planned_end",
    "mentor_unavailable",
    "youth_disengaged",
    "move",
    "end_of_care",
    "age_limit",
    "safety",
    "honorability",
    "other",
    "",
]
# The row each reason of the import file is expected on, written out again (see
# `reporting.figures.IMPORTED_CLOSURE_REASONS` for why).
EXPECTED_REASON_ROW = {
    "planned_end": "Fin naturelle — Fin prévue de l'accompagnement",
    "mentor_unavailable": "Arrêt lié au binôme — Mentor indisponible (temps, déménagement, santé)",
    "youth_disengaged": "Arrêt lié au binôme — Jeune désengagé",
    "move": "Arrêt lié au binôme — Déménagement ou changement de lieu d'accueil du jeune",
    "end_of_care": "Fin liée à l'ASE — Fin de la mesure ASE",
    "age_limit": "Fin liée à l'ASE — Limite d'âge (18 ou 21 ans)",
    "safety": "Sécurité et honorabilité — Sécurité du jeune",
    "honorability": "Sécurité et honorabilité — Contrôle d'honorabilité non conforme",
    "other": "Non classé — Autre motif",
    "": UNKNOWN,
}
BANDS = {"lt11": "Moins de 11 ans", "11_14": "11 à 14 ans", "15_17": "15 à 17 ans", "18_20": "18 à 20 ans"}


# --- The data -------------------------------------------------------------------------------------------


def import_pairs(data, world, seed=11, n=70):
    """Imported pairs for associations A and C of the département, D (imports only, no Binôme pair)
    and B of the other département: random profiles and dates around the periods, some youths with a
    renewal, the same youth identifier at two associations (two youths), every closure reason closed
    in March 2026."""
    rng = random.Random(seed)
    dept, other = data.departement, data.other_departement
    assoc_d = AssociationFactory(name="Association D")
    ConventionFactory(departement=dept, association=assoc_d)
    refs = {
        kind: list(ReferenceItem.objects.filter(departement=dept, kind=kind))
        for kind in (ReferenceKind.SCHOOL_LEVEL, ReferenceKind.CARE_MEASURE, ReferenceKind.OBJECTIVE)
    }
    homes = [(a, dept) for a in (*data.associations, assoc_d)] + [(world["other_association"], other)]
    pairs = []

    def add(association, departement, number, youth, started, ended, reason=None, **extra):
        in_dept = departement == dept
        closure = (rng.choice(REASONS) if reason is None else reason) if ended else ""
        fields = {
            "mentor_external_id": f"CRMMENTOR{rng.randint(1, 30):04d}" if rng.random() < 0.8 else "",
            "birth_year": rng.randint(2003, 2017),
            "gender": rng.choice("fmx"),
            "school_level": rng.choice([*refs[ReferenceKind.SCHOOL_LEVEL], None]) if in_dept else None,
            "care_measure": rng.choice([*refs[ReferenceKind.CARE_MEASURE], None]) if in_dept else None,
            "objective": rng.choice([*refs[ReferenceKind.OBJECTIVE], None]) if in_dept else None,
            "territory": rng.choice([*data.territories, None]) if in_dept else None,
            "modality": rng.choice([*Modality.values, ""]),
            "objective_reached": rng.choice([True, False, None]) if ended else None,
        }
        pair = ReportedPairFactory(
            association=association,
            departement=departement,
            external_id=f"CRMPAIR{number:04d}",
            youth_external_id=youth,
            started_on=started,
            ended_on=ended,
            state="closed" if ended else "active",
            closure_reason=closure,
            **(fields | extra),
        )
        pairs.append(pair)
        return pair

    number = 0
    for k in range(n):
        association, departement = rng.choice(homes)
        youth = f"CRMYOUTH{k:04d}"
        started = datetime.date(2024, 3, 1) + datetime.timedelta(days=rng.randint(0, 800))
        ended = None
        if rng.random() < 0.5:
            ended = started + datetime.timedelta(days=rng.randint(5, 400))
        number += 1
        first = add(association, departement, number, youth, started, ended)
        if ended and rng.random() < 0.3:  # a renewal with the same youth (same birth year and gender)
            number += 1
            add(
                association,
                departement,
                number,
                youth,
                ended + datetime.timedelta(days=rng.randint(0, 30)),
                None,
                birth_year=first.birth_year,
                gender=first.gender,
                territory=first.territory,
                is_renewal=True,
            )
    # The same identifier at two associations: two youths.
    for association in data.associations:
        number += 1
        add(association, dept, number, "CRMYOUTHSHARED", datetime.date(2026, 2, 1), None)
    # Every closure reason closed in March 2026, and a pair followed in March at association D.
    for reason in REASONS:
        number += 1
        add(
            data.associations[0],
            dept,
            number,
            f"CRMCLOSED{number:04d}",
            datetime.date(2025, 11, 3),
            datetime.date(2026, 3, 1 + number % 28),
            reason,
        )
    number += 1
    add(assoc_d, dept, number, "CRMYOUTHD", datetime.date(2026, 3, 31), None)
    # Meetings reported month by month for a few pairs.
    for pair in pairs[:10]:
        ReportedMeetings.objects.create(pair=pair, month=datetime.date(2026, 3, 1), in_person=2, remote=1)
        ReportedMeetings.objects.create(pair=pair, month=datetime.date(2026, 2, 1), in_person=1, remote=0)
    return pairs


@pytest.fixture
def data(world):
    built = dataset.build(world)
    built.imported = import_pairs(built, world)
    return built


def binome_pairs(data, scope):
    pairs = dataset.refreshed(data.pairs)
    if scope.departement is not None:
        pairs = [p for p in pairs if p.departement_id == scope.departement.pk]
    if scope.association is not None:
        pairs = [p for p in pairs if p.association_id == scope.association.pk]
    if scope.territory is not None:
        pairs = [p for p in pairs if p.youth.territory_id == scope.territory.pk]
    return pairs


def imported_pairs(data, scope):
    pairs = [
        type(p)
        .objects.select_related("association", "territory", "school_level", "care_measure", "objective")
        .get(pk=p.pk)
        for p in data.imported
    ]
    if scope.departement is not None:
        pairs = [p for p in pairs if p.departement_id == scope.departement.pk]
    if scope.association is not None:
        pairs = [p for p in pairs if p.association_id == scope.association.pk]
    if scope.territory is not None:
        pairs = [p for p in pairs if p.territory_id == scope.territory.pk]
    return pairs


# --- The reference, in plain Python -----------------------------------------------------------------


def followed(pair, period):
    return pair.started_on <= period.end and (pair.ended_on is None or pair.ended_on >= period.start)


def started(pair, period):
    return period.start <= pair.started_on <= period.end


def closed(pair, period):
    return pair.ended_on is not None and period.start <= pair.ended_on <= period.end


def youth_key(pair):
    return ("import", pair.association_id, pair.youth_external_id)


def band(age):
    if age < 11:
        return BANDS["lt11"]
    if age < 15:
        return BANDS["11_14"]
    if age < 18:
        return BANDS["15_17"]
    if age < 21:
        return BANDS["18_20"]
    return "21 ans et plus"


def origin_label(is_new, is_renewal):
    if is_new:
        return "Reconduction" if is_renewal else "Nouveau binôme"
    return "Binôme commencé avant"


def label(value, choices=None):
    if not value:
        return UNKNOWN
    return dict(choices)[value] if choices else value


BINOME_LABELS = {
    "association": lambda p, _: p.association.name,
    "territory": lambda p, _: p.youth.territory.name if p.youth.territory else UNKNOWN,
    "school_level": lambda p, _: p.youth.school_level.label if p.youth.school_level else UNKNOWN,
    "care_measure": lambda p, _: p.youth.care_measure.label if p.youth.care_measure else UNKNOWN,
    "gender": lambda p, _: label(p.youth.gender, Gender.choices),
    "modality": lambda p, _: label(p.youth.modality, Modality.choices),
    "objective": lambda p, _: [o.label for o in p.youth.objectives.all()] or UNKNOWN,
    "age": lambda p, period: band(age_on(p.youth.birth_date, period.end)),
    "origin": lambda p, period: origin_label(dataset.launched(p, period), p.is_renewal),
}
IMPORTED_LABELS = {
    "association": lambda p, _: p.association.name,
    "territory": lambda p, _: p.territory.name if p.territory else UNKNOWN,
    "school_level": lambda p, _: p.school_level.label if p.school_level else UNKNOWN,
    "care_measure": lambda p, _: p.care_measure.label if p.care_measure else UNKNOWN,
    "gender": lambda p, _: label(p.gender, Gender.choices),
    "modality": lambda p, _: label(p.modality, Modality.choices),
    "objective": lambda p, _: p.objective.label if p.objective else UNKNOWN,
    # Only the birth year is known: born on 1 July of that year.
    "age": lambda p, period: band(age_on(datetime.date(p.birth_year, 7, 1), period.end)),
    "origin": lambda p, period: origin_label(started(p, period), p.is_renewal),
}


def expected_youths(binome, imported, key, period) -> dict:
    """Distinct youths per label, Binôme and imported together (they are other youths)."""
    groups: dict = {}
    for pair in binome:
        if dataset.followed(pair, period):
            labels = BINOME_LABELS[key](pair, period)
            for each in labels if isinstance(labels, list) else [labels]:
                groups.setdefault(each, set()).add(("binome", pair.youth_id))
    for pair in imported:
        if followed(pair, period):
            groups.setdefault(IMPORTED_LABELS[key](pair, period), set()).add(youth_key(pair))
    return {each: len(ids) for each, ids in groups.items()}


def expected_closures(binome, imported, period) -> dict:
    counts: dict = {}
    for pair in binome:
        if dataset.closed(pair, period):
            row = (
                UNKNOWN
                if not pair.closure_reason
                else f"{pair.get_closure_category_display()} — {pair.get_closure_reason_display()}"
            )
            counts[row] = counts.get(row, 0) + 1
    for pair in imported:
        if closed(pair, period):
            row = EXPECTED_REASON_ROW[pair.closure_reason]
            counts[row] = counts.get(row, 0) + 1
    return counts


def imported_reference(pairs, period) -> dict:
    fol = [p for p in pairs if followed(p, period)]
    return {
        "youths_mentored": len({youth_key(p) for p in fol}),
        "pairs_followed": len(fol),
        "pairs_new": sum(1 for p in pairs if started(p, period) and not p.is_renewal),
        "pairs_renewed": sum(1 for p in pairs if started(p, period) and p.is_renewal),
        "pairs_closed": sum(1 for p in pairs if closed(p, period)),
    }


SUMMED = ("youths_mentored", "pairs_followed", "pairs_new", "pairs_renewed", "pairs_closed")


# --- Breakdowns -----------------------------------------------------------------------------------------


def test_age_from_a_birth_year_assumes_a_birthday_on_1_july():
    assert imported_age(2015, datetime.date(2026, 6, 30)) == 10
    assert imported_age(2015, datetime.date(2026, 7, 1)) == 11
    assert imported_age(2015, datetime.date(2026, 12, 31)) == 11
    assert "1er juillet" in indicators.DIMENSION_REGISTRY["age"].definition


SCOPES = {
    "departement": lambda d: Scope(departement=d.departement),
    "association": lambda d: Scope(departement=d.departement, association=d.associations[0]),
    "territory": lambda d: Scope(departement=d.departement, territory=d.territories[0]),
    "national": lambda d: Scope(),
}


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_breakdowns_count_the_imported_youths(data, scope_name):
    scope = SCOPES[scope_name](data)
    binome, imported = binome_pairs(data, scope), imported_pairs(data, scope)
    report = build_report(scope, PERIOD)
    keys = list(IMPORTED_LABELS)
    if scope.kind == "association":
        keys.remove("association")
        assert report.breakdown("association") is None
    for key in keys:
        for period, column in ((PERIOD, 1), (LAST_YEAR, 2)):
            expected = expected_youths(binome, imported, key, period)
            got = {row[0]: row[column] for row in report.breakdown(key).rows if row[column]}
            assert got == expected, (key, period.key)
            # The imported pairs do change the figures: Binôme alone gives other counts.
            if period == PERIOD:
                assert expected != expected_youths(binome, [], key, period), key
    # « Non renseigné » comes last.
    for breakdown in report.breakdowns:
        labels = [row[0] for row in breakdown.rows]
        assert UNKNOWN not in labels or labels[-1] == UNKNOWN, breakdown.key


def test_the_same_identifier_at_two_associations_is_two_youths(data):
    scope = Scope(departement=data.departement)
    imported = imported_pairs(data, scope)
    shared = [p for p in imported if p.youth_external_id == "CRMYOUTHSHARED"]
    assert len({p.association_id for p in shared}) == 2
    (values,) = indicators.figures(scope, [PERIOD])
    binome = dataset.reference(binome_pairs(data, scope), PERIOD)
    assert (
        values["youths_mentored"]
        == binome["youths_mentored"] + imported_reference(imported, PERIOD)["youths_mentored"]
    )
    # Every breakdown adds up to the same youths (one value per youth in these dimensions).
    report = build_report(scope, PERIOD)
    for key in ("association", "gender", "age", "territory"):
        assert sum(row[1] for row in report.breakdown(key).rows) == values["youths_mentored"], key


@pytest.mark.parametrize("period", [PERIOD, Period("year", 2025, 1)])
def test_closure_reasons_of_imported_pairs_share_the_rows(data, period):
    scope = Scope(departement=data.departement)
    report = build_report(scope, period)
    binome, imported = binome_pairs(data, scope), imported_pairs(data, scope)
    expected = expected_closures(binome, imported, period)
    rows = report.breakdown("closure_reason").rows
    assert {row[0]: row[1] for row in rows if row[1]} == expected
    assert {row[0]: row[2] for row in rows if row[2]} == expected_closures(
        binome, imported, period.last_year()
    )
    if period == PERIOD:
        # Every reason of the import file is exercised, on its expected row.
        for row in EXPECTED_REASON_ROW.values():
            assert row in expected, row
        labels = [row[0] for row in report.breakdown("closure_reason").rows]
        assert labels.index("Non classé — Autre motif") < labels.index(UNKNOWN) == len(labels) - 1


def test_one_more_query_for_every_imported_breakdown(data):
    scope = Scope(departement=data.departement)
    with CaptureQueriesContext(connection) as queries:
        indicators.breakdowns(scope, [PERIOD, LAST_YEAR])
    imported = [q["sql"] for q in queries.captured_queries if "reporting_reportedpair" in q["sql"]]
    assert len(imported) == 1
    before = len(queries.captured_queries)
    for n in range(40):  # more imported pairs: the same queries
        ReportedPairFactory(
            association=data.associations[1],
            departement=data.departement,
            started_on=datetime.date(2026, 3, 1),
            birth_year=2010 + n % 8,
        )
    with CaptureQueriesContext(connection) as queries:
        indicators.breakdowns(scope, [PERIOD, LAST_YEAR])
    assert len(queries.captured_queries) == before


# --- Trend, summary, roll-up ------------------------------------------------------------------------------


def test_trend_adds_the_imported_pairs_month_by_month(data):
    scope = Scope(departement=data.departement)
    binome, imported = binome_pairs(data, scope), imported_pairs(data, scope)
    trend = indicators.trend(scope, PERIOD)
    changed = False
    for i, month in enumerate(trend.months):
        ours = dataset.reference(binome, month)
        theirs = imported_reference(imported, month)
        assert trend.followed[i] == ours["pairs_followed"] + theirs["pairs_followed"], month.key
        assert (
            trend.new[i]
            == ours["pairs_new"] + ours["pairs_renewed"] + theirs["pairs_new"] + theirs["pairs_renewed"]
        ), month.key
        assert trend.closed[i] == ours["pairs_closed"] + theirs["pairs_closed"], month.key
        changed |= theirs["pairs_followed"] > 0 and theirs["pairs_closed"] > 0
    assert changed


def test_summary_by_association_merges_the_imported_pairs(data):
    scope = Scope(departement=data.departement)
    binome, imported = binome_pairs(data, scope), imported_pairs(data, scope)
    rows = indicators.by_association(scope, PERIOD)
    names = [r["association__name"] for r in rows]
    assert names == ["Association A", "Association C", "Association D"]
    for row in rows:
        name = row["association__name"]
        ours = dataset.reference([p for p in binome if p.association.name == name], PERIOD)
        theirs = imported_reference([p for p in imported if p.association.name == name], PERIOD)
        for key in SUMMED:
            assert row[key] == ours[key] + theirs[key], (name, key)
        assert row["imported_pairs_followed"] == theirs["pairs_followed"]
        # The delay stays the Binôme pairs' own.
        assert row[DELAY] == pytest.approx(ours[DELAY], abs=0.051)
    d = rows[-1]
    assert d["pairs_followed"] == d["imported_pairs_followed"] > 0 and d[DELAY] is None
    assert any(row["pairs_closed"] for row in rows)
    for key in ("time_to_match_avg", "time_to_match_median", "delay_referral_to_first_meeting_avg"):
        assert "formés dans Binôme" in indicators.REGISTRY[key].full_definition, key


def test_national_rollup_merges_the_imported_pairs(data):
    rows = {r["departement__insee_code"]: r for r in indicators.national_rollup(PERIOD)}
    assert set(rows) == {"44", "85"}
    for departement in (data.departement, data.other_departement):
        scope = Scope(departement=departement)
        ours = dataset.reference(binome_pairs(data, scope), PERIOD)
        theirs = imported_reference(imported_pairs(data, scope), PERIOD)
        row = rows[departement.insee_code]
        for key in SUMMED:
            assert row[key] == ours[key] + theirs[key], (departement.insee_code, key)
        assert row["departement__name"] == departement.name
    (national,) = indicators.figures(Scope(), [PERIOD])
    assert sum(r["pairs_followed"] for r in rows.values()) == national["pairs_followed"]
    assert sum(r["youths_mentored"] for r in rows.values()) == national["youths_mentored"]


def test_the_cotech_pack_keeps_platform_and_imported_pairs_apart(data):
    from binome.reporting.cotech import cotech_context
    from tests.reporting.factories import ReportingPeriodFactory

    period = ReportingPeriodFactory(departement=data.departement, month=PERIOD.start)
    context = cotech_context(period, today=datetime.date(2026, 4, 10))
    scope = Scope(departement=data.departement)
    binome, imported = binome_pairs(data, scope), imported_pairs(data, scope)
    for name, live, theirs in context["pairs_rows"]:
        assert (
            live
            == dataset.reference([p for p in binome if p.association.name == name], PERIOD)["pairs_followed"]
        )
        assert (
            theirs
            == imported_reference([p for p in imported if p.association.name == name], PERIOD)[
                "pairs_followed"
            ]
        )
    assert "Association D" in [name for name, *_ in context["pairs_rows"]]


# --- The Données tab -----------------------------------------------------------------------------------


def data_sheet(departement):
    buffer = io.BytesIO()
    write_steering_workbook(buffer, departement=departement, period=PERIOD)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    rows = list(workbook["Données"].iter_rows(values_only=True))
    text = "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    return rows[0], rows[1:], text


def test_data_tab_has_one_pseudonymised_row_per_imported_pair(data):
    header, rows, text = data_sheet(data.departement)
    column = {name: i for i, name in enumerate(header)}
    assert header[-1] == "Source"
    scope = Scope(departement=data.departement)
    binome = [p for p in binome_pairs(data, scope) if dataset.followed(p, PERIOD)]
    imported = [p for p in imported_pairs(data, scope) if followed(p, PERIOD)]
    ours = [r for r in rows if r[column["Source"]] == "Binôme"]
    theirs = [r for r in rows if r[column["Source"]] == "Import association"]
    assert len(ours) == len(binome) and len(theirs) == len(imported) > 0
    assert len(rows) == len(ours) + len(theirs)

    # The youth's pseudonym: a keyed hash of the association and its own identifier.
    def key(pair, field):
        return f"import:{pair.association_id}:{getattr(pair, field)}"

    expected = {pseudonym("mentorship", key(p, "external_id")): p for p in imported}
    assert {r[0] for r in theirs} == set(expected)
    for row in theirs:
        pair = expected[row[0]]
        assert row[1] == pseudonym("youth", key(pair, "youth_external_id"))
        assert row[1].startswith("J-") and len(row[1]) == 18
        mentor = pseudonym("mentor", key(pair, "mentor_external_id")) if pair.mentor_external_id else ""
        assert (row[2] or "") == mentor
        assert row[column["Association"]] == pair.association.name
        age = age_on(datetime.date(pair.birth_year, 7, 1), PERIOD.end)
        assert row[column["Âge à la fin de la période"]] == age
        assert row[column["Tranche d'âge"]] == band(age)
        assert row[column["Binôme démarré le"]].date() == pair.started_on
        assert row[column["Validé pendant la période"]] == ("oui" if started(pair, PERIOD) else "non")
        assert row[column["Clôturé pendant la période"]] == ("oui" if closed(pair, PERIOD) else "non")
        assert row[column["Délai de mise en relation (jours)"]] is None
        if closed(pair, PERIOD):
            category, _, reason = EXPECTED_REASON_ROW[pair.closure_reason].partition(" — ")
            assert (row[column["Type de fin"]] or "", row[column["Motif de fin"]] or "") == (
                (category, reason) if pair.closure_reason else ("", "")
            )
    reported = {r[column["Rencontres en présentiel"]] for r in theirs}
    assert 3 in reported  # meetings summed over the months reported
    # The same youth at two associations: two pseudonyms.
    shared = [p for p in imported if p.youth_external_id == "CRMYOUTHSHARED"]
    assert len({pseudonym("youth", key(p, "youth_external_id")) for p in shared}) == 2
    # No identifier of the association's CRM in clear, anywhere in the workbook. (Not a search for
    # "CRM": a pseudonym is random letters and digits, and may contain it by chance.)
    for pair in data.imported:
        assert pair.youth_external_id not in text and pair.external_id not in text
        assert not pair.mentor_external_id or pair.mentor_external_id not in text
        assert str(pair.association_id) not in text


def test_imported_pseudonyms_are_stable_across_exports(data):
    first = data_sheet(data.departement)[1]
    second = data_sheet(data.departement)[1]
    assert [r[:3] for r in first] == [r[:3] for r in second]


@pytest.mark.parametrize("period", [PERIOD, Period("year", 2025, 1)])
def test_closures_of_imported_pairs_count_in_the_shares_duration_and_outcomes(data, period):
    from binome.mentorships.models import ClosureCategory
    from binome.reporting.figures import PAIR_RELATED_REASONS

    scope = Scope(departement=data.departement)
    ours = [p for p in binome_pairs(data, scope) if dataset.closed(p, period)]
    theirs = [p for p in imported_pairs(data, scope) if closed(p, period)]
    assert theirs, "the dataset closes imported pairs in the period"
    days = [dataset.duration_days(p) for p in ours] + [(p.ended_on - p.started_on).days for p in theirs]
    (values,) = indicators.figures(scope, [period])
    assert values["pairs_closed"] == len(days)
    assert values["closed_before_6_months_share"] == pytest.approx(sum(d < 183 for d in days) / len(days))
    assert values["closed_before_12_months_share"] == pytest.approx(sum(d < 365 for d in days) / len(days))
    assert values["duration_avg"] == pytest.approx(sum(days) / len(days), abs=0.051)
    assert values["pairs_objective_reached"] == sum(p.objectives_reached == "yes" for p in ours) + sum(
        p.objective_reached is True for p in theirs
    )
    assert values["pairs_objective_not_reached"] == sum(p.objectives_reached == "no" for p in ours) + sum(
        p.objective_reached is False for p in theirs
    )
    assert values["pairs_abandoned"] == sum(p.closure_category == ClosureCategory.PAIR for p in ours) + sum(
        p.closure_reason in PAIR_RELATED_REASONS for p in theirs
    )
