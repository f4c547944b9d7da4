"""Issue 13's leftovers, each on a small hand-built world whose right answer is worked out by hand in the
test: the care start date in the funnel, pairs coordinated by an ASE service (D.221-36), funding and
costs by line, the Cotech pack's lists, a département's own indicators, the corrected-period marker, QPV
and rural communes. Period looked at: October 2026."""

import datetime
import io
from decimal import Decimal

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.mentorships.models import Coordination
from binome.references.models import ReferenceKind
from binome.reporting import services as reporting_services
from binome.reporting.cotech import cotech_context, cotech_html
from binome.reporting.models import ReportingPeriod
from binome.steering.exports import write_steering_workbook
from binome.steering.models import CustomIndicator, SteeringSettings
from binome.steering.report import build_report
from binome.steering.scope import Scope
from binome.steering.tables import all_tables
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.mentors.factories import MentorFactory
from tests.reporting.factories import AssociationReportFactory, ReportingPeriodFactory
from tests.steering.test_definitions import ACTIVITY_FIELDS, NOVEMBER, OCTOBER, moment, one, pair  # noqa: F401
from tests.youths.factories import CommuneFactory, YouthFactory, reference

FUNDING_TABLES = ("funding_funders", "funding_sub_projects", "costs_categories")

day = datetime.date


@pytest.fixture
def mentor(world):
    return MentorFactory(association=world["association"], in_pair=True)


def test_a_youth_taken_into_care_after_the_period_is_not_due(world):
    service = world["ase_service"]
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1))  # no care date: in care
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1), care_started_on=day(2026, 10, 31))
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1), care_started_on=day(2026, 11, 1))
    # Due on 31 October: the first two (the third entered care in November).
    assert one(Scope(departement=world["departement"]))["coverage_due"] == 2


def test_pairs_coordinated_by_an_ase_service_are_counted_apart(world, mentor):
    ase = {"coordination": Coordination.ASE_SERVICE}
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 10))  # followed, association
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 10), **ase)  # followed, ASE
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 12), ended=(2026, 10, 2), **ase)  # ASE
    pair(world, mentor, validated=(2026, 10, 1), **ase)  # not launched: not followed
    pair(world, mentor, validated=(2026, 1, 1), started=(2026, 1, 10), ended=(2026, 9, 2), **ase)  # ended
    values = one(Scope(departement=world["departement"]))
    assert values["pairs_followed"] == 3
    assert values["pairs_ase_coordinated"] == 2


# --- Funding by funder and sub-project, costs by category; the Cotech pack's lists ----------------------


def declare(world, association, month, *, funding=(), **figures_):
    """`association`'s report for `month`, submitted by its manager on the 2nd of the next month."""
    membership = MembershipFactory(
        user=UserFactory(with_totp=True), organisation=association, role=Role.MANAGER
    )
    period = ReportingPeriod.objects.filter(departement=world["departement"], month=month).first()
    period = period or ReportingPeriodFactory(departement=world["departement"], month=month)
    report = AssociationReportFactory(period=period, association=association)
    with freeze_time(month.replace(month=month.month + 1, day=2)):
        data = dict.fromkeys(ACTIVITY_FIELDS, 0) | {"fte_staff": 1, "fte_volunteers": 0} | figures_
        reporting_services.report_save(report=report, data=data, funding=list(funding), by=membership.user)
        reporting_services.report_submit(report=report, by=membership.user, membership=membership)
    return report, membership


def line(funder, sub_project, amount):
    return {"funder": funder, "sub_project": sub_project, "amount": Decimal(amount)}


@pytest.fixture
def two_declarations(world):
    other = world["other_association"]
    declare(
        world,
        world["association"],
        day(2026, 10, 1),
        funding=[
            line("Département", "mentoring", "5000"),
            line("  département ", "parrainage", "1000"),  # the same funder, typed differently
            line("CAF", "mentoring", "2000"),
        ],
        cost_staff=Decimal("4200"),
        cost_premises=Decimal("300"),
        cost_transport=Decimal("120"),
        technical_tools="Logiciel de suivi Mentorama\nVisio",
        ase_structures_names="MECS Les Tilleuls\nFoyer de l'enfance",
        complementary_projects="Ateliers d'orientation avec la mission locale",
    )
    declare(world, other, day(2026, 10, 1), funding=[line("CAF", "other", "500")], cost_staff=Decimal("1000"))
    # By hand: Département 5 000 + 1 000 = 6 000, CAF 2 000 + 500 = 2 500 (total 8 500); Mentorat 7 000,
    # Parrainage 1 000, Autre projet 500; personnel 4 200 + 1 000 = 5 200, locaux 300, transports 120.
    return other


def test_funding_by_funder_and_sub_project_and_costs_by_category(world, two_declarations):
    report = build_report(Scope(departement=world["departement"]), OCTOBER, compare=False)
    tables = {t.key: t for t in all_tables(report)}
    rows = {key: [(r[0], r[1].value, r[2].value) for r in tables[key].rows] for key in FUNDING_TABLES}
    assert rows["funding_funders"] == [
        ("Département", 6000.0, pytest.approx(6000 / 8500)),
        ("CAF", 2500.0, pytest.approx(2500 / 8500)),
    ]
    assert [(r[0], r[1]) for r in rows["funding_sub_projects"]] == [
        ("Mentorat", 7000.0),
        ("Parrainage", 1000.0),
        ("Autre projet", 500.0),
    ]
    assert [(r[0], r[1]) for r in rows["costs_categories"]] == [
        ("Coûts de personnel", 5200.0),
        ("Locaux", 300.0),
        ("Transports", 120.0),
    ]
    assert "Association A" in tables["funding_funders"].description
    # November: nothing declared, the tables say so rather than 0 €.
    november = build_report(Scope(departement=world["departement"]), NOVEMBER, compare=False)
    empty = {t.key: t for t in all_tables(november)}["funding_funders"]
    assert empty.rows == [] and empty.empty.startswith("Non renseigné")


def test_the_tableau_de_pilotage_has_a_funding_tab(world, two_declarations):
    handle = io.BytesIO()
    with freeze_time("2026-12-05 09:00"):
        write_steering_workbook(handle, departement=world["departement"], period=OCTOBER)
    rows = list(load_workbook(handle, read_only=True)["Financement"].iter_rows(values_only=True))
    cells = {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1 and row[1] is not None}
    assert cells["Département"] == 6000
    assert cells["Autre projet"] == 500
    assert cells["Coûts de personnel"] == 5200


def test_the_dashboard_shows_the_funding_section(world, member, client_for, two_declarations):
    page = client_for(member(Role.PILOT)).get("/pilotage/?periode=2026-10").content.decode()
    assert "<h2>Financement</h2>" in page
    assert "Financements par financeur" in page and "Coûts par catégorie" in page


def test_the_cotech_pack_lists_funding_tools_structures_and_projects(world, two_declarations):
    period = ReportingPeriod.objects.get(departement=world["departement"], month=day(2026, 10, 1))
    context = cotech_context(period, today=day(2026, 11, 5))
    assert context["funding"].funders == [("Département", Decimal("6000")), ("CAF", Decimal("2500"))]
    html = cotech_html(period, today=day(2026, 11, 5))
    for text in ("Logiciel de suivi Mentorama", "MECS Les Tilleuls", "mission locale", "Parrainage"):
        assert text in html, text
    assert "Outils techniques utilisés" in html and "Projets complémentaires" in html


# --- A past period whose declared figures were corrected ------------------------------------------------


def test_a_corrected_period_says_which_association_corrected_and_when(world, member, client_for):
    report, manager = declare(world, world["association"], day(2026, 10, 1), cost_staff=Decimal("1000"))
    scope = Scope(departement=world["departement"])
    assert build_report(scope, OCTOBER, compare=False).corrections == []  # first submission: no marker
    with freeze_time("2026-11-20 10:00"):
        reporting_services.report_save(
            report=report, data={"cost_staff": Decimal("1500")}, funding=[], by=manager.user
        )
        reporting_services.report_submit(
            report=report, by=manager.user, membership=manager, reason="Une facture oubliée."
        )
    built = build_report(scope, OCTOBER, compare=False)
    assert built.corrections == [
        {
            "association": "Association A",
            "title": "suivi d'octobre 2026",
            "number": 2,
            "submitted_on": day(2026, 11, 20),
        }
    ]
    assert built.values["costs_total"] == Decimal("1500")  # the correction's figures
    text = "Association A (suivi d'octobre 2026, version 2, le 20/11/2026)"
    assert text in built.corrections_text
    page = client_for(member(Role.PILOT)).get("/pilotage/?periode=2026-10").content.decode()
    assert text.replace("'", "&#x27;") in page
    handle = io.BytesIO()
    with freeze_time("2026-12-05 09:00"):
        write_steering_workbook(handle, departement=world["departement"], period=OCTOBER)
    synthesis = [
        row[0]
        for row in load_workbook(handle, read_only=True)["Synthèse des résultats"].iter_rows(values_only=True)
        if row
    ]
    assert any(text in (cell or "") for cell in synthesis)
    # November has no correction: no marker.
    assert build_report(scope, NOVEMBER, compare=False).corrections == []


# --- What a département adapts (P.8): hidden indicators, its own indicators ------------------------------


def followed_youth(world, mentor, **youth_fields):
    """A youth in a pair launched in September, still open: accompanied in October."""
    youth = YouthFactory(ase_service=world["ase_service"], **youth_fields)
    pair(world, mentor, youth=youth, validated=(2026, 9, 1), started=(2026, 9, 10))
    return youth


@pytest.fixture
def adapted(world, mentor):
    """Two youths in 3e and one in 4e accompanied in October; the département counts those in 3e and
    hides the workshops and the coverage rate."""
    departement = world["departement"]
    third = reference(departement, ReferenceKind.SCHOOL_LEVEL, "3e")
    for level in (third, third, reference(departement, ReferenceKind.SCHOOL_LEVEL, "4e")):
        followed_youth(world, mentor, school_level=level)
    SteeringSettings.objects.create(departement=departement, hidden_indicators=["workshops", "coverage_rate"])
    CustomIndicator.objects.create(departement=departement, label="Jeunes accompagnés en 3e", item=third)


def test_a_departement_hides_indicators_and_adds_its_own(world, adapted):
    report = build_report(Scope(departement=world["departement"]), OCTOBER)
    shown = {figure.indicator.key for _stage, figures_ in report.stages() for figure in figures_}
    assert "workshops" not in shown and "coverage_rate" not in shown and "pairs_followed" in shown
    [own] = report.custom
    assert (own.label, own.value, own.previous) == ("Jeunes accompagnés en 3e", 2, 0)  # none in October 2025
    table = {t.key: t for t in all_tables(report)}["stage_custom"]
    assert table.rows[0][0] == "Jeunes accompagnés en 3e" and table.rows[0][1].value == 2
    # The tableau de pilotage: neither in the Synthèse nor in the Explications; the own indicator in both.
    handle = io.BytesIO()
    with freeze_time("2026-12-05 09:00"):
        write_steering_workbook(handle, departement=world["departement"], period=OCTOBER)
    book = load_workbook(handle, read_only=True)
    synthesis = {
        row[1]: row[2] for row in book["Synthèse des résultats"].iter_rows(values_only=True) if len(row) > 2
    }
    assert "Ateliers collectifs" not in synthesis and "Couverture de l'obligation légale" not in synthesis
    assert synthesis["Jeunes accompagnés en 3e"] == 2
    explained = [row[1] for row in book["Explications"].iter_rows(values_only=True) if len(row) > 1]
    assert "Jeunes accompagnés en 3e" in explained and "Ateliers collectifs" not in explained
    # Another département's dashboard is untouched.
    other = build_report(Scope(departement=world["other_departement"]), OCTOBER, compare=False)
    assert "coverage_rate" in {f.indicator.key for _s, figures_ in other.stages() for f in figures_}
    assert other.custom == []


def test_the_cotech_pack_follows_the_departement_settings(world, adapted):
    period = ReportingPeriodFactory(departement=world["departement"], month=day(2026, 10, 1))
    figures_ = {f.label: f.value for f in cotech_context(period, today=day(2026, 11, 5))["figures"]}
    assert "Couverture de l'obligation légale" not in figures_ and "Binômes suivis" in figures_
    assert figures_["Jeunes accompagnés en 3e"] == "2"


def test_only_the_pilot_adapts_the_steering(world, member, client_for):
    assert client_for(member(Role.PILOT)).get("/pilotage/reglages/").status_code == 200
    for role in (Role.VIEWER, Role.MANAGER, Role.REFERRER):
        assert client_for(member(role)).get("/pilotage/reglages/").status_code == 403, role


def test_the_settings_page_saves_and_keeps_what_was_typed(world, member, client_for):
    departement = world["departement"]
    client = client_for(member(Role.PILOT))
    nantes = CommuneFactory(insee_code="44109", name="Nantes", departement_code="44")
    village = CommuneFactory(insee_code="44001", name="Abbaretz", departement_code="44")
    elsewhere = CommuneFactory(insee_code="85191", name="La Roche-sur-Yon", departement_code="85")
    response = client.post(
        "/pilotage/reglages/",
        {"action": "settings", "hidden_indicators": ["workshops"], "rural_communes": [village.pk]},
    )
    assert response.status_code == 302
    saved = SteeringSettings.objects.get(departement=departement)
    assert saved.hidden_indicators == ["workshops"] and list(saved.rural_communes.all()) == [village]
    # Another département's commune, an unknown indicator: French errors, nothing saved, 422.
    response = client.post(
        "/pilotage/reglages/",
        {"action": "settings", "hidden_indicators": ["nope"], "rural_communes": [elsewhere.pk, nantes.pk]},
    )
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert list(SteeringSettings.objects.get(departement=departement).rural_communes.all()) == [village]
    # An own indicator: empty name refused, the chosen value kept; then added; a duplicate refused.
    third = reference(departement, ReferenceKind.SCHOOL_LEVEL, "3e")
    response = client.post("/pilotage/reglages/", {"action": "add", "label": "  ", "item": third.pk})
    assert response.status_code == 422
    assert f'value="{third.pk}" selected' in response.content.decode()
    assert (
        client.post("/pilotage/reglages/", {"action": "add", "label": "En 3e", "item": third.pk}).status_code
        == 302
    )
    response = client.post("/pilotage/reglages/", {"action": "add", "label": "en 3E", "item": third.pk})
    assert "porte déjà ce nom" in response.content.decode()
    # Hostile input: another département's item, a bad id, an unknown action: 4xx, never a 500.
    foreign = reference(world["other_departement"], ReferenceKind.SCHOOL_LEVEL, "3e")
    assert (
        client.post("/pilotage/reglages/", {"action": "add", "label": "X", "item": foreign.pk}).status_code
        == 422
    )
    assert client.post("/pilotage/reglages/", {"action": "delete", "id": "1 OR 1=1"}).status_code == 404
    assert client.post("/pilotage/reglages/", {"action": "??"}).status_code == 404
    own = CustomIndicator.objects.get(departement=departement)
    assert client.post("/pilotage/reglages/", {"action": "delete", "id": str(own.pk)}).status_code == 302
    assert not CustomIndicator.objects.exists()


# --- Priority publics: QPV and rural communes --------------------------------------------------------------


def test_shares_of_youths_in_a_qpv_and_in_a_rural_commune(world, mentor):
    departement = world["departement"]
    town = CommuneFactory(insee_code="44109", name="Nantes", departement_code="44")
    village = CommuneFactory(insee_code="44001", name="Abbaretz", departement_code="44")
    followed_youth(world, mentor, lives_in_qpv="yes", commune=town)
    followed_youth(world, mentor, lives_in_qpv="yes", commune=village)
    followed_youth(world, mentor, lives_in_qpv="no", commune=village)
    followed_youth(world, mentor, lives_in_qpv="unknown", commune=town)
    followed_youth(world, mentor, lives_in_qpv="")  # not answered, commune unknown
    YouthFactory(ase_service=world["ase_service"], lives_in_qpv="yes", commune=village)  # not accompanied
    scope = Scope(departement=departement)
    values = one(scope)
    assert values["youths_qpv_share"] == pytest.approx(2 / 3)  # 2 « Oui » over 3 « Oui » or « Non »
    assert values["youths_rural_share"] is None  # no commune marked rural yet: « — », not 0 %
    settings_ = SteeringSettings.objects.create(departement=departement)
    settings_.rural_communes.set([village])
    assert one(scope)["youths_rural_share"] == pytest.approx(2 / 4)  # 2 in Abbaretz over 4 communes known


# --- Cost per pair from the conventions' yearly subsidy when no cost is declared -------------------------


def test_cost_per_pair_falls_back_on_the_conventions_yearly_subsidy(world, mentor):
    for n in range(10):
        pair(world, mentor, validated=(2026, 9, 1 + n), started=(2026, 9, 10 + n))
    convention = Convention.objects.in_force_during(day(2026, 10, 1), day(2026, 10, 31)).get(
        departement=world["departement"], association=world["association"]
    )
    convention.yearly_subsidy = Decimal("12000")
    convention.save()
    scope = Scope(departement=world["departement"])
    assert one(scope)["cost_per_pair_year"] == 1200.0  # 12 000 € a year ÷ 10 pairs followed
    # Declared costs win: 4 700 € for October, × 12 ÷ 1 month ÷ 10 pairs = 5 640 €.
    declare(
        world, world["association"], day(2026, 10, 1), cost_staff=Decimal("4200"), cost_other=Decimal("500")
    )
    assert one(scope)["cost_per_pair_year"] == 5640.0
