"""Who sees what in the reporting cycle: another association or département gets 404, other roles 403;
the home page shows what is due."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.reporting import services

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def setting(world, member, conventions):
    with freeze_time("2026-03-01 06:45"):
        period = services.period_open(departement=world["departement"], month=MARCH)
        other_period = services.period_open(departement=world["other_departement"], month=MARCH)
    return {
        "period": period,
        "report": period.reports.get(),
        "other_report": other_period.reports.get(),
        "manager": member(Role.MANAGER),
        "coordinator": member(Role.COORDINATOR),
        "pilot": member(Role.PILOT),
        "viewer": member(Role.VIEWER),
        "referrer": member(Role.REFERRER),
        "other_manager": member(Role.MANAGER, organisation=world["other_association"]),
        "other_pilot": member(Role.PILOT, organisation=world["other_departement"]),
    }


def status(client, name, method="get", **kwargs):
    return getattr(client, method)(reverse(f"reporting:{name}", kwargs=kwargs)).status_code


def test_another_association_gets_404(setting, client_for):
    client = client_for(setting["other_manager"])
    report_id = setting["report"].pk
    assert status(client, "report_edit", report_id=report_id) == 404
    assert status(client, "report_detail", report_id=report_id) == 404
    assert status(client, "report_edit", report_id=setting["other_report"].pk) == 200


def test_another_departement_gets_404(setting, client_for):
    client = client_for(setting["other_pilot"])
    assert status(client, "period_detail", period_id=setting["period"].pk) == 404
    assert status(client, "report_detail", report_id=setting["report"].pk) == 404
    assert status(client, "report_remind", method="post", report_id=setting["report"].pk) == 404
    assert status(client, "cotech_pdf", period_id=setting["period"].pk) == 404


def test_roles_outside_the_policy_get_403(setting, client_for):
    assert status(client_for(setting["pilot"]), "report_edit", report_id=setting["report"].pk) == 403
    assert status(client_for(setting["manager"]), "period_detail", period_id=setting["period"].pk) == 403
    assert (
        status(client_for(setting["viewer"]), "report_remind", method="post", report_id=setting["report"].pk)
        == 403
    )
    assert status(client_for(setting["viewer"]), "period_open", method="post") == 403
    assert status(client_for(setting["referrer"]), "report_detail", report_id=setting["report"].pk) == 403


def test_the_viewer_reads_the_table_without_the_reminder_button(setting, client_for):
    with freeze_time("2026-04-06"):
        response = client_for(setting["viewer"]).get(
            reverse("reporting:period_detail", kwargs={"period_id": setting["period"].pk})
        )
        pilot_page = client_for(setting["pilot"]).get(
            reverse("reporting:period_detail", kwargs={"period_id": setting["period"].pk})
        )
    assert response.status_code == 200
    assert "Relancer" not in response.content.decode()
    assert "Relancer" in pilot_page.content.decode()


def test_a_coordinator_fills_but_only_the_manager_sees_the_submit_button(setting, client_for):
    url = reverse("reporting:report_edit", kwargs={"report_id": setting["report"].pk})
    with freeze_time("2026-04-02"):
        coordinator_page = client_for(setting["coordinator"]).get(url).content.decode()
        manager_page = client_for(setting["manager"]).get(url).content.decode()
    assert "Transmettre au département" not in coordinator_page
    assert "Enregistrer sans transmettre" in coordinator_page
    assert "Transmettre au département" in manager_page


def test_the_home_page_says_what_is_due(setting, client_for):
    with freeze_time("2026-04-01 09:00"):
        manager_home = client_for(setting["manager"]).get(reverse("home")).content.decode()
        pilot_home = client_for(setting["pilot"]).get(reverse("home")).content.decode()
    assert "Suivi mensuel de mars 2026 à transmettre dans 4 jours" in manager_home
    assert "associations en retard" not in pilot_home
    with freeze_time("2026-04-06 09:00"):
        manager_home = client_for(setting["manager"]).get(reverse("home")).content.decode()
        pilot_home = client_for(setting["pilot"]).get(reverse("home")).content.decode()
        other_home = client_for(setting["other_manager"]).get(reverse("home")).content.decode()
    assert "Suivi mensuel de mars 2026 en retard" in manager_home
    assert "Suivi de mars 2026 : associations en retard" in pilot_home
    assert 'href="/suivi-mensuel/suivis/' + str(setting["report"].pk) not in other_home


def test_the_navigation_leads_each_side_to_its_page(setting, client_for):
    pilot_home = client_for(setting["pilot"]).get(reverse("home")).content.decode()
    manager_home = client_for(setting["manager"]).get(reverse("home")).content.decode()
    assert f'href="{reverse("reporting:periods")}">Suivi mensuel' in pilot_home
    assert f'href="{reverse("reporting:my_reports")}">Suivi mensuel' in manager_home
