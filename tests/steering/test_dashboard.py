"""The dashboards as each role sees them: scope, filters, figures, no names, fixed query count."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.mentorships.models import Mentorship
from tests.steering import dataset
from tests.steering.dataset import PERIOD, at
from tests.youths.factories import TerritoryFactory

URL = reverse("steering:dashboard")


@pytest.fixture
def data(world):
    return dataset.build(world)


def get(client, url=URL, **params):
    return client.get(url, {"periode": PERIOD.key, **params})


def key_figure(html: str, label: str) -> str:
    match = re.search(
        r'key-figure__value">([^<]+)</span> <span class="key-figure__label">' + re.escape(label), html
    )
    return match.group(1) if match else None


def names_in(html, youths):
    return [y.last_name for y in youths if y.last_name in html] + [
        f"{y.first_name} {y.last_name}" for y in youths if f"{y.first_name} {y.last_name}" in html
    ]


def test_pilot_sees_the_departement_figures_without_any_name(data, member, client_for):
    client = client_for(member(Role.PILOT))
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == data.departement.pk]
    expected = dataset.reference(pairs, PERIOD)
    assert key_figure(html, "Jeunes accompagnés") == str(expected["youths_mentored"])
    assert "Association A" in html and "Association C" in html and "Association B" not in html
    for stage in ("Ressources", "Activités", "Réalisations", "Résultats", "Impact"):
        assert f">{stage}</h3>" in html
    # Each indicator's definition sits next to it.
    assert "jours entre l&#x27;acceptation de l&#x27;orientation" in html
    # Chart data travels as JSON, drawn by a static script (no inline script).
    assert 'type="application/json"' in html and 'id="chart-data-trend"' in html
    assert "js/steering.js" in html and "chart.umd.min.js" in html
    assert re.search(r"<script(?![^>]*(src=|application/json))", html) is None
    assert names_in(html, data.youths) == []


def test_filters_by_association_and_territory(data, member, client_for):
    client = client_for(member(Role.PILOT))
    association = data.associations[1]
    pairs = [p for p in dataset.refreshed(data.pairs) if p.association_id == association.pk]
    html = get(client, association=association.pk).content.decode()
    assert key_figure(html, "Jeunes accompagnés") == str(dataset.reference(pairs, PERIOD)["youths_mentored"])
    territory = data.territories[0]
    pairs = [
        p
        for p in dataset.refreshed(data.pairs)
        if p.departement_id == data.departement.pk and p.youth.territory_id == territory.pk
    ]
    html = get(client, territoire=territory.pk).content.decode()
    assert key_figure(html, "Jeunes accompagnés") == str(dataset.reference(pairs, PERIOD)["youths_mentored"])


def test_pilot_cannot_reach_another_departement(data, world, member, client_for):
    client = client_for(member(Role.PILOT))
    assert get(client, association=world["other_association"].pk).status_code == 404
    foreign_territory = TerritoryFactory(departement=world["other_departement"])
    assert get(client, territoire=foreign_territory.pk).status_code == 404
    assert (
        get(
            client, reverse("steering:table_xlsx"), tableau="trend", association=world["other_association"].pk
        ).status_code
        == 404
    )
    # The other département's pilot sees only its own pairs.
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    html = get(client_for(other_pilot)).content.decode()
    assert "Association A" not in html
    pairs = [p for p in dataset.refreshed(data.pairs) if p.departement_id == world["other_departement"].pk]
    assert key_figure(html, "Jeunes accompagnés") == str(dataset.reference(pairs, PERIOD)["youths_mentored"])


def test_association_sees_only_its_own_figures(data, world, member, client_for):
    association = data.associations[1]  # Association C
    for role in (Role.MANAGER, Role.COORDINATOR):
        client = client_for(member(role, organisation=association))
        response = get(client)
        assert response.status_code == 200
        html = response.content.decode()
        pairs = [p for p in dataset.refreshed(data.pairs) if p.association_id == association.pk]
        assert key_figure(html, "Jeunes accompagnés") == str(
            dataset.reference(pairs, PERIOD)["youths_mentored"]
        )
        assert "Association A" not in html and "Synthèse par association" not in html
        assert "tableau-de-pilotage.xlsx" not in html
        # Another association's id is not a filter it can use; the département export is not for it.
        assert get(client, association=world["association"].pk).status_code == 200
        assert "Association A" not in get(client, association=world["association"].pk).content.decode()
        assert get(client, reverse("steering:steering_xlsx")).status_code == 403


def test_referrer_has_no_dashboard(world, member, client_for):
    assert get(client_for(member(Role.REFERRER))).status_code == 403


def test_invalid_period_is_reported_not_guessed(world, member, client_for):
    response = get(client_for(member(Role.VIEWER)), periode="2026-13")
    assert response.status_code == 422
    assert "Mois invalide" in response.content.decode()


def test_an_older_period_can_be_asked(data, member, client_for):
    response = get(client_for(member(Role.PILOT)), periode="2024-T3")
    assert response.status_code == 200
    assert "3e trimestre 2024" in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_the_data(data, world, member, client_for):
    client = client_for(member(Role.PILOT))
    get(client)
    with CaptureQueriesContext(connection) as small:
        get(client)
    youth = data.youths[0]
    for n in range(20):
        Mentorship.objects.create(
            association=world["association"],
            departement=data.departement,
            youth=type(youth).objects.create(
                departement=data.departement,
                ase_service=youth.ase_service,
                first_name="X",
                last_name=f"Y{n}",
                birth_date=youth.birth_date,
                gender="f",
                legal_status="parents",
                territory=data.territories[n % 2],
            ),
            mentor=data.pairs[0].mentor,
            validated_at=at(2026, 3, 2),
        )
    with CaptureQueriesContext(connection) as large:
        get(client)
    # 54 on SQLite (a median is two queries there), of which 3 for the imported pairs' breakdowns, trend
    # and per-association summary, 2 for the declared funding lines and corrections, 2 for the
    # département's settings and own indicators, 2 for the QPV and rural shares, 1 per period without
    # declared costs for the conventions' yearly subsidies: the same whatever the data.
    assert len(large.captured_queries) == len(small.captured_queries) <= 54


def test_any_table_exports_to_xlsx(data, member, client_for):
    user = member(Role.PILOT)
    client = client_for(user)
    response = get(client, reverse("steering:table_xlsx"), tableau="breakdown_age")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Jeunes accompagnés — par âge"
    assert "11 à 14 ans" in [row[0] for row in values]
    assert AccessLog.objects.filter(user=user, action="export", object_type="steering.table").exists()
    assert get(client, reverse("steering:table_xlsx"), tableau="nope").status_code == 404


def test_navigation_links_to_the_dashboard(world, member, client_for):
    html = client_for(member(Role.MANAGER)).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in html


def test_a_month_view_says_which_associations_report_by_quarter(data, member, client_for):
    from binome.conventions.models import Convention, ReportingFrequency

    association = data.associations[0]
    Convention.objects.filter(departement=data.departement, association=association).update(
        reporting_frequency=ReportingFrequency.QUARTERLY
    )
    client = client_for(member(Role.PILOT))
    html = get(client).content.decode()
    assert f"{association.name} déclare par trimestre" in html.replace("&#x27;", "'")
    quarter = get(client, periode="2026-T1")
    assert quarter.status_code == 200 and "par trimestre" not in quarter.content.decode()
    # Breakdown headings keep their acronyms.
    assert "Jeunes accompagnés — par mesure ASE" in html


def test_the_dashboard_opens_on_the_month_under_way_with_last_month_one_click_away(world, member, client_for):
    from freezegun import freeze_time

    with freeze_time("2026-10-14 09:00"):
        html = client_for(member(Role.PILOT)).get(URL).content.decode()
    assert (
        "Chiffres <strong>d&#x27;octobre 2026</strong> (mois en cours : jusqu'au 14 octobre 2026 inclus)"
        in html
    )
    assert '<option value="2026-10" selected>' in html
    assert '<a href="?periode=2026-09">Voir le mois dernier : septembre 2026</a>' in html

    with freeze_time("2026-10-14 09:00"):
        html = client_for(member(Role.PILOT)).get(URL, {"periode": "2026-09"}).content.decode()
    assert "Chiffres <strong>de septembre 2026</strong>, " in html and "mois en cours" not in html
