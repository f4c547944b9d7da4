"""What an association's software reads and writes through the API, with DRF's client."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from binome.accounts.models import Role
from binome.api import feed
from binome.api.models import ChangeEvent
from binome.audit.models import AccessLog
from binome.reporting.models import ReportedMeetings, ReportedPair
from tests.mentorships.factories import validated_pair
from tests.reporting.factories import AssociationReportFactory, ReportedPairFactory, ReportingPeriodFactory
from tests.youths.factories import ReferralFactory, YouthFactory


def pair_item(external_id="CRM-1", **values):
    item = {
        "external_id": external_id,
        "youth_external_id": f"J-{external_id}",
        "birth_year": 2011,
        "gender": "f",
        "started_on": "2026-01-10",
        "state": "active",
    }
    item.update(values)
    return item


# --- Orientations -------------------------------------------------------------------------------------


def test_an_orientation_is_semi_anonymous_until_accepted(world, api):
    youth = YouthFactory(ready=True, ase_service=world["ase_service"], first_name="Inès", last_name="Durand")
    routed = ReferralFactory(youth=youth, routed=True, association=world["association"])
    body = api.get(f"/api/v1/orientations/{routed.pk}/").json()
    assert body["state"] == "routed" and body["full_profile"] is False
    assert body["youth"]["first_name"] == "Inès"
    assert "last_name" not in body["youth"] and "birth_date" not in body["youth"]
    routed.state, routed.accepted_at = "accepted", timezone.now()
    routed.save()
    body = api.get(f"/api/v1/orientations/{routed.pk}/").json()
    assert body["full_profile"] is True
    assert body["youth"]["last_name"] == "Durand"
    assert body["youth"]["birth_date"] == youth.birth_date.isoformat()


def test_every_read_of_a_youth_goes_to_the_access_log(world, api):
    referrals = [
        ReferralFactory(
            youth=YouthFactory(ready=True, ase_service=world["ase_service"]),
            routed=True,
            association=world["association"],
        )
        for _ in range(2)
    ]
    AccessLog.objects.all().delete()
    assert len(api.get("/api/v1/orientations/").json()["results"]) == 2
    api.get(f"/api/v1/orientations/{referrals[0].pk}/")
    logs = AccessLog.objects.filter(organisation=world["association"], user=None)
    assert logs.filter(action="list", object_type="youths.youth").count() == 1
    viewed = sorted(
        logs.filter(action="view", object_type="youths.youth").values_list("object_id", flat=True)
    )
    # Two in the list, the first one again in its detail.
    assert viewed == sorted(
        [str(referrals[0].youth.pk), str(referrals[0].youth.pk), str(referrals[1].youth.pk)]
    )
    assert set(logs.values_list("departement", flat=True)) == {world["departement"].pk}


def test_cursor_pagination(world, api):
    for _ in range(3):
        ReferralFactory(
            youth=YouthFactory(ready=True, ase_service=world["ase_service"]),
            routed=True,
            association=world["association"],
        )
    first = api.get("/api/v1/orientations/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"] and "cursor=" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 3
    bad = api.get("/api/v1/orientations/?cursor=nimportequoi")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


# --- Pairs --------------------------------------------------------------------------------------------


def test_the_pairs_of_the_association_and_their_state(world, api, member):
    coordinator = member(Role.COORDINATOR)
    pair = validated_pair(world, coordinator)
    body = api.get("/api/v1/pairs/").json()
    assert [p["id"] for p in body["results"]] == [str(pair.pk)]
    assert body["results"][0]["state"] == "agreement"
    assert body["results"][0]["youth"]["last_name"] == pair.youth.last_name
    assert AccessLog.objects.filter(action="view", object_id=str(pair.pk), user=None).exists()


# --- Declared pairs and meetings: the import's rules, all or nothing ------------------------------------


def test_a_batch_creates_then_updates_then_changes_nothing(world, api):
    batch = {
        "pairs": [
            pair_item("CRM-1"),
            pair_item("CRM-2", gender="M", state="Clôturé", ended_on="2026-02-20", closure_reason="move"),
        ]
    }
    response = api.post("/api/v1/reported-pairs/", batch, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["pairs_created"] == 2 and response.json()["dry_run"] is False
    closed = ReportedPair.objects.get(external_id="CRM-2")
    assert (closed.gender, closed.state, closed.closure_reason) == ("m", "closed", "move")
    assert closed.departement == world["departement"]

    again = api.post("/api/v1/reported-pairs/", batch, format="json").json()
    assert (again["pairs_created"], again["pairs_updated"], again["pairs_unchanged"]) == (0, 0, 2)

    batch["pairs"][0]["objective_reached"] = True
    changed = api.post("/api/v1/reported-pairs/", batch, format="json").json()
    assert (changed["pairs_updated"], changed["pairs_unchanged"]) == (1, 1)
    assert ReportedPair.objects.get(external_id="CRM-1").objective_reached is True


def test_a_batch_with_one_wrong_item_writes_nothing_and_says_where(world, api):
    batch = {
        "pairs": [
            pair_item("CRM-1"),
            pair_item("CRM-2", gender="Z"),
            pair_item("CRM-3", state="closed"),  # no end date nor reason
            pair_item("CRM-1"),  # twice
            {**pair_item("CRM-4"), "nom": "Durand"},
        ]
    }
    response = api.post("/api/v1/reported-pairs/", batch, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "batch_invalid"
    assert body["message"].startswith("Lot refusé")
    assert {"list": "pairs", "index": 4, "field": "nom", "message": "champ inconnu"} in body["errors"]
    assert not ReportedPair.objects.exists()
    # The shape being right, the import's own rules speak (and name the item and the field).
    del batch["pairs"][4]["nom"]
    body = api.post("/api/v1/reported-pairs/", batch, format="json").json()
    located = {(e["index"], e["field"]) for e in body["errors"]}
    assert located == {(1, "gender"), (2, "ended_on"), (2, "closure_reason"), (3, "external_id")}
    assert not ReportedPair.objects.exists()


def test_meetings_of_a_declared_pair_and_a_dry_run(world, api):
    api.post("/api/v1/reported-pairs/", {"pairs": [pair_item("CRM-1")]}, format="json")
    meetings = {"meetings": [{"pair_external_id": "CRM-1", "month": "2026-02", "in_person": 2, "remote": 1}]}
    preview = api.post("/api/v1/reported-meetings/?dry_run=1", meetings, format="json").json()
    assert preview["dry_run"] is True and preview["meetings_created"] == 1
    assert not ReportedMeetings.objects.exists()
    assert api.post("/api/v1/reported-meetings/", meetings, format="json").status_code == 200
    row = ReportedMeetings.objects.get()
    assert (row.month, row.in_person, row.remote) == (datetime.date(2026, 2, 1), 2, 1)
    unknown = {"meetings": [{"pair_external_id": "CRM-9", "month": "2026-02", "in_person": 1, "remote": 0}]}
    body = api.post("/api/v1/reported-meetings/", unknown, format="json").json()
    assert body["errors"] == [
        {
            "list": "meetings",
            "index": 0,
            "field": "pair_external_id",
            "message": "binôme absent de l'onglet Données et jamais importé",
        }
    ]


def test_meetings_sent_with_pairs_need_their_own_scope(world, api_for):
    client = api_for(world["association"], ["pairs:write"])
    batch = {
        "pairs": [pair_item()],
        "meetings": [{"pair_external_id": "CRM-1", "month": "2026-02", "in_person": 1, "remote": 0}],
    }
    response = client.post("/api/v1/reported-pairs/", batch, format="json")
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    assert not ReportedPair.objects.exists()


def test_an_association_with_two_departements_names_one(world, api):
    from tests.accounts.factories import ConventionFactory

    ConventionFactory(departement=world["other_departement"], association=world["association"])
    response = api.post("/api/v1/reported-pairs/", {"pairs": [pair_item()]}, format="json")
    assert response.status_code == 422 and response.json()["code"] == "departement_required"
    response = api.post(
        "/api/v1/reported-pairs/", {"departement": "85", "pairs": [pair_item()]}, format="json"
    )
    assert response.status_code == 200
    assert ReportedPair.objects.get().departement == world["other_departement"]


# --- Monthly reports and indicators --------------------------------------------------------------------


def test_reports_read_and_their_working_copy_completed(world, api):
    period = ReportingPeriodFactory(departement=world["departement"], month=datetime.date(2026, 3, 1))
    report = AssociationReportFactory(period=period, association=world["association"])
    AssociationReportFactory(
        period=ReportingPeriodFactory(
            departement=world["other_departement"], month=datetime.date(2026, 3, 1)
        ),
        association=world["other_association"],
    )
    body = api.get("/api/v1/reports/").json()
    assert [r["id"] for r in body["results"]] == [str(report.pk)]
    assert body["results"][0]["submitted"] is None and body["results"][0]["month"] == "2026-03-01"

    response = api.patch(
        f"/api/v1/reports/{report.pk}/",
        {
            "fte_staff": "1.5",
            "workshops": 3,
            "funding": [{"funder": "CAF", "sub_project": "mentoring", "amount": "1200"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    report.refresh_from_db()
    assert (str(report.fte_staff), report.workshops, str(report.funding_total)) == ("1.50", 3, "1200.00")
    assert report.current_revision == 0  # a person submits, on Binôme

    response = api.patch(f"/api/v1/reports/{report.pk}/", {"workshops": -2, "couleur": "x"}, format="json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"workshops", "couleur"}
    report.refresh_from_db()
    assert report.workshops == 3


def test_indicators_of_the_association_only(world, api):
    for n in range(3):  # active in March 2026: 3 youths
        ReportedPairFactory(
            association=world["association"], departement=world["departement"], youth_external_id=f"J{n}"
        )
    ReportedPairFactory(association=world["other_association"], departement=world["other_departement"])
    body = api.get("/api/v1/indicators/?period=2026-03").json()
    values = {i["key"]: i["value"] for i in body["indicators"]}
    assert body["period"] == "2026-03"
    assert values["youths_mentored"] == 3
    bad = api.get("/api/v1/indicators/?period=mars")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    assert api.get("/api/v1/indicators/?departement=85").status_code == 404


# --- Change feed ------------------------------------------------------------------------------------------


def test_the_change_feed_pulls_what_changed_after_a_cursor(world, api_for, monkeypatch):
    monkeypatch.setattr(feed, "EVENTS_SETTLE", datetime.timedelta(0))
    client = api_for(world["association"], ["pairs:read"])
    start = client.get("/api/v1/events/").json()
    referral = ReferralFactory(
        youth=YouthFactory(ready=True, ase_service=world["ase_service"]),
        routed=True,
        association=world["association"],
    )
    ReferralFactory(
        youth=YouthFactory(ready=True, ase_service=world["other_ase_service"]),
        routed=True,
        association=world["other_association"],
    )
    AssociationReportFactory(
        period=ReportingPeriodFactory(departement=world["departement"]), association=world["association"]
    )
    page = client.get(f"/api/v1/events/?after={start['next']}").json()
    # The other association's orientation is not there; the report needs figures:read.
    assert [(e["kind"], e["object_id"]) for e in page["events"]] == [("orientation", str(referral.pk))]
    assert client.get(f"/api/v1/events/?after={page['next']}").json()["events"] == []
    assert ChangeEvent.objects.filter(kind="report").count() == 1


def test_a_change_is_served_once_settled(world, api_for):
    client = api_for(world["association"], ["pairs:read"])
    with freeze_time("2026-03-10 10:00:00"):
        ReferralFactory(
            youth=YouthFactory(ready=True, ase_service=world["ase_service"]),
            routed=True,
            association=world["association"],
        )
        assert client.get("/api/v1/events/").json()["events"] == []
    with freeze_time("2026-03-10 10:00:03"):
        assert len(client.get("/api/v1/events/").json()["events"]) == 1


# --- Errors and limits ------------------------------------------------------------------------------------


def test_json_errors_in_french_with_a_stable_code(world, api):
    assert api.get("/api/v1/nimportequoi/").json()["code"] == "not_found"
    for method, url in [
        ("delete", "/api/v1/pairs/"),
        ("put", "/api/v1/reports/"),
        ("get", "/api/v1/reported-meetings/"),
    ]:
        response = getattr(api, method)(url)
        assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed"), url
        assert response.json()["message"] == "Méthode HTTP non prise en charge par ce point d'accès."
    # Without a token, the method is not looked at: 401, as for any other request.
    assert APIClient().delete("/api/v1/pairs/").status_code == 401
    response = api.post("/api/v1/reported-pairs/", "{pas du json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    response = api.post("/api/v1/reported-pairs/", {"pairs": "x"}, format="json")
    assert response.status_code == 422 and response.json()["message"] == "« pairs » doit être une liste."


@pytest.mark.parametrize("rate", ["3/min"])
def test_rate_limit_per_token_answers_429_with_retry_after(world, api_for, settings, rate, monkeypatch):
    from rest_framework.settings import api_settings

    from binome.api.access import TokenRateThrottle

    monkeypatch.setattr(
        TokenRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "token": rate}
    )
    client, other = api_for(world["association"]), api_for(world["association"])
    assert [client.get("/api/v1/pairs/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/pairs/")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert other.get("/api/v1/pairs/").status_code == 200  # per token


@pytest.mark.parametrize(
    "item",
    [
        pair_item("CRM-\x00NUL"),
        pair_item("CRM-5", started_on="0001-01-01"),
        pair_item("CRM-6", started_on="9999-12-31"),
        pair_item("X" * 10_000),
        {"external_id": ["not", "a", "string"]},
        "not an object",
    ],
    ids=["nul", "year-1", "year-9999", "huge", "list-value", "not-an-object"],
)
def test_a_hostile_batch_item_is_a_french_4xx_and_writes_nothing(world, api, item):
    response = api.post("/api/v1/reported-pairs/", {"pairs": [pair_item("CRM-OK"), item]}, format="json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["message"]
    assert not ReportedPair.objects.exists()


# --- What the audit found (indicators of a département, report writing, journal, reading changes) --------


def test_indicators_of_a_departement_are_those_its_dashboard_shows(world, api):
    from binome.references.models import ReferenceKind
    from binome.steering.models import CustomIndicator, SteeringSettings
    from tests.youths.factories import reference

    third = reference(world["departement"], ReferenceKind.SCHOOL_LEVEL, "3e")
    fourth = reference(world["departement"], ReferenceKind.SCHOOL_LEVEL, "4e")
    for n, level in enumerate([third, third, fourth]):  # active in March 2026
        ReportedPairFactory(
            association=world["association"],
            departement=world["departement"],
            youth_external_id=f"J{n}",
            school_level=level,
        )
    SteeringSettings.objects.create(departement=world["departement"], hidden_indicators=["workshops"])
    CustomIndicator.objects.create(
        departement=world["departement"], label="Jeunes accompagnés en 3e", item=third
    )
    body = api.get("/api/v1/indicators/?period=2026-03&departement=44").json()
    keys = [i["key"] for i in body["indicators"]]
    assert "workshops" not in keys and "youths_mentored" in keys
    [own] = body["custom"]
    assert (own["label"], own["value"]) == ("Jeunes accompagnés en 3e", 2)
    assert own["definition"].startswith("Jeunes accompagnés pendant la période dont la valeur")
    # Without a département, the whole registry and no département's own indicators.
    everything = api.get("/api/v1/indicators/?period=2026-03").json()
    assert "workshops" in [i["key"] for i in everything["indicators"]] and everything["custom"] == []


def test_a_report_takes_thirty_funding_lines_at_most(world, api):
    report = AssociationReportFactory(
        period=ReportingPeriodFactory(departement=world["departement"]), association=world["association"]
    )
    line = {"funder": "CAF", "sub_project": "mentoring", "amount": "10"}
    response = api.patch(f"/api/v1/reports/{report.pk}/", {"funding": [line] * 31}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "funding",
            "message": "30 lignes de financement au plus (regroupez les petits montants d'un même financeur).",
        }
    ]
    assert (
        api.patch(f"/api/v1/reports/{report.pk}/", {"funding": [line] * 30}, format="json").status_code == 200
    )
    report.refresh_from_db()
    assert str(report.funding_total) == "300.00"


def test_a_write_only_token_gets_an_acknowledgement_not_the_figures(world, api_for):
    report = AssociationReportFactory(
        period=ReportingPeriodFactory(departement=world["departement"]), association=world["association"]
    )
    writer = api_for(world["association"], ["reports:write"])
    response = writer.patch(f"/api/v1/reports/{report.pk}/", {"workshops": 4}, format="json")
    assert response.status_code == 200
    assert response.json() == {"id": str(report.pk), "updated": ["workshops"]}
    reader = api_for(world["association"], ["reports:write", "figures:read"])
    body = reader.patch(f"/api/v1/reports/{report.pk}/", {"workshops": 5}, format="json").json()
    assert body["working_copy"]["workshops"] == 5


def test_the_reported_pairs_list_is_in_each_departements_journal(world, api):
    from tests.accounts.factories import ConventionFactory

    ConventionFactory(departement=world["other_departement"], association=world["association"])
    for departement in (world["departement"], world["other_departement"]):
        ReportedPairFactory(association=world["association"], departement=departement)
    AccessLog.objects.all().delete()
    assert len(api.get("/api/v1/reported-pairs/").json()["results"]) == 2
    logged = AccessLog.objects.filter(action="list", object_type="reporting.reportedpair")
    assert sorted(logged.values_list("departement__insee_code", flat=True)) == ["44", "85"]
    assert set(logged.values_list("organisation", flat=True)) == {world["association"].pk}


def test_the_reported_pairs_changed_after_a_moment(world, api):
    with freeze_time("2026-03-01 10:00:00"):
        old = ReportedPairFactory(association=world["association"], departement=world["departement"])
    with freeze_time("2026-03-05 10:00:00"):
        recent = ReportedPairFactory(association=world["association"], departement=world["departement"])
    ids = lambda query: [r["id"] for r in api.get(f"/api/v1/reported-pairs/?{query}").json()["results"]]  # noqa: E731
    assert ids("updated_after=2026-03-02T00:00:00Z") == [str(recent.pk)]
    assert ids("updated_after=2026-03-05T10:00:00%2B00:00") == []  # strictly after
    assert ids("updated_after=2026-02-01") == [str(old.pk), str(recent.pk)]
    for bad in ("hier", "0001-01-01", "2026-13-01T00:00:00Z"):
        response = api.get("/api/v1/reported-pairs/", {"updated_after": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"] == [
            {"field": "updated_after", "message": "date et heure ISO 8601 attendues"}
        ]
