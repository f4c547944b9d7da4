"""The URL × role matrix extended to the API: every endpoint × every scope × another association's
object. The scopes come from each view's `scopes`, the same attribute docs/permissions.md is built from."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from binome.accounts.models import Role
from binome.accounts.urlwalk import walk
from binome.api import feed
from binome.api.access import required_scope
from binome.api.models import Scope
from binome.reporting.models import ReportedMeetings, ReportedPair
from tests.api.test_endpoints import pair_item
from tests.mentorships.factories import validated_pair
from tests.reporting.factories import AssociationReportFactory, ReportedPairFactory, ReportingPeriodFactory
from tests.youths.factories import ReferralFactory, YouthFactory

API_ROUTES = [
    r for r in walk() if r.third_party == "api" and getattr(getattr(r.view, "cls", None), "scopes", None)
]
BODIES = {"POST": {}, "PATCH": {}}


def _objects(world, member):
    """(ours, theirs) for each kind of object an endpoint's URL names."""

    def referral(key, ase):
        return ReferralFactory(
            youth=YouthFactory(ready=True, ase_service=world[ase]), routed=True, association=world[key]
        )

    def report(key, dep):
        return AssociationReportFactory(
            period=ReportingPeriodFactory(departement=world[dep]), association=world[key]
        )

    coordinator = member(Role.COORDINATOR)
    other_coordinator = member(Role.COORDINATOR, organisation=world["other_association"])
    theirs_world = {
        **world,
        "association": world["other_association"],
        "ase_service": world["other_ase_service"],
    }
    return {
        "orientation_id": (
            referral("association", "ase_service"),
            referral("other_association", "other_ase_service"),
        ),
        "pair_id": (validated_pair(world, coordinator), validated_pair(theirs_world, other_coordinator)),
        "report_id": (report("association", "departement"), report("other_association", "other_departement")),
    }


def _call(client, method, url):
    return _call_with(client, method, url, BODIES.get(method))


def _call_with(client, method, url, body):
    return getattr(client, method.lower())(url, body, format="json")


def test_the_api_routes_are_all_walked():
    assert {r.name for r in API_ROUTES} == {
        "api:orientations",
        "api:orientation",
        "api:pairs",
        "api:pair",
        "api:reported_pairs",
        "api:reported_meetings",
        "api:reports",
        "api:report",
        "api:indicators",
        "api:events",
    }


@pytest.mark.parametrize("scope", list(Scope))
def test_each_scope_opens_exactly_the_methods_that_declare_it(scope, world, member, api_for):
    objects = _objects(world, member)
    client = api_for(world["association"], [scope])
    wrong = []
    for route in API_ROUTES:
        kwargs = {name: objects[name][0].pk for name in route.converters}
        url = reverse(route.name, kwargs=kwargs)
        for method in route.view.cls.scopes:
            needed = required_scope(route.view.cls, method)
            allowed = scope in needed if isinstance(needed, tuple) else scope == needed
            status = _call(client, method, url).status_code
            # Allowed: a success, or the 422 an empty body earns (an empty batch); a 500 or a 405 is wrong.
            if (allowed and not (200 <= status < 300 or status == 422)) or (not allowed and status != 403):
                wrong.append(f"{method} {route.name}: {status} ({'autorisé' if allowed else 'interdit'})")
    assert wrong == []


def test_another_associations_object_answers_404_whatever_the_scopes(world, member, api_for):
    objects = _objects(world, member)
    client = api_for(world["association"], list(Scope))
    checked = []
    for route in API_ROUTES:
        if not route.converters:
            continue
        for method in route.view.cls.scopes:
            ours = reverse(route.name, kwargs={n: objects[n][0].pk for n in route.converters})
            theirs = reverse(route.name, kwargs={n: objects[n][1].pk for n in route.converters})
            assert _call(client, method, ours).status_code in (200, 422), (method, route.name)
            response = _call(client, method, theirs)
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), (method, route.name)
            checked.append((method, route.name))
    assert len(checked) == 4


def test_lists_hold_only_the_associations_own_rows(world, member, api_for, monkeypatch):
    monkeypatch.setattr(feed, "EVENTS_SETTLE", datetime.timedelta(0))
    objects = _objects(world, member)
    ours, theirs = (
        ReportedPairFactory(association=world[key], departement=world[dep], external_id="CRM-1")
        for key, dep in (("association", "departement"), ("other_association", "other_departement"))
    )
    client = api_for(world["association"], list(Scope))
    expected = {
        # The pair's own orientation is one of the association's too.
        "api:orientations": {objects["orientation_id"][0].pk, objects["pair_id"][0].referral_id},
        "api:pairs": {objects["pair_id"][0].pk},
        "api:reports": {objects["report_id"][0].pk},
        "api:reported_pairs": {ours.pk},
    }
    for name, ids in expected.items():
        rows = client.get(reverse(name)).json()["results"]
        assert {row["id"] for row in rows} == {str(i) for i in ids}, name
    assert theirs.pk not in {row["id"] for row in client.get(reverse("api:reported_pairs")).json()["results"]}
    # The feed: only the association's own objects (orientations, its pair, its report).
    events = client.get(reverse("api:events")).json()["events"]
    mine = {str(o[0].pk) for o in objects.values()} | {str(objects["pair_id"][0].referral_id)}
    others = {str(o[1].pk) for o in objects.values()} | {str(objects["pair_id"][1].referral_id)}
    served = {e["object_id"] for e in events}
    assert mine <= served and not served & others


def test_a_batch_cannot_reach_another_associations_pair_nor_departement(world, api_for):
    theirs = ReportedPairFactory(
        association=world["other_association"], departement=world["other_departement"], external_id="CRM-1"
    )
    before = (theirs.birth_year, theirs.departement_id, theirs.updated_at)
    client = api_for(world["association"], list(Scope))
    # The same external id is another row, ours: identifiers are each association's own.
    response = client.post(
        reverse("api:reported_pairs"), {"pairs": [pair_item("CRM-1", birth_year=2012)]}, format="json"
    )
    assert (response.status_code, response.json()["pairs_created"]) == (200, 1)
    theirs.refresh_from_db()
    assert (theirs.birth_year, theirs.departement_id, theirs.updated_at) == before
    assert ReportedPair.objects.get(association=world["association"]).birth_year == 2012
    # Their département, where the association has no convention.
    response = client.post(
        reverse("api:reported_pairs"), {"departement": "85", "pairs": [pair_item("CRM-2")]}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (422, "departement_unknown")
    # Meetings of their pair only: unknown to us.
    meetings = {
        "meetings": [
            {"pair_external_id": theirs.external_id, "month": "2026-02", "in_person": 1, "remote": 0}
        ]
    }
    ReportedPair.objects.filter(association=world["association"]).delete()
    for name in ("api:reported_meetings", "api:reported_pairs"):
        response = client.post(reverse(name), meetings, format="json")
        assert (response.status_code, response.json()["code"]) == (422, "batch_invalid"), name
        assert response.json()["errors"][0]["field"] == "pair_external_id"
    assert not ReportedMeetings.objects.exists()


@pytest.mark.parametrize("extra", [[], [Scope.MEETINGS_WRITE]], ids=["without", "with"])
def test_a_part_of_the_body_may_need_one_more_scope(world, api_for, extra):
    checked = 0
    for route in API_ROUTES:
        for method, fields in getattr(route.view.cls, "body_scopes", {}).items():
            for field, scope in fields.items():
                assert scope == Scope.MEETINGS_WRITE and field == "meetings"  # the only one so far
                client = api_for(world["association"], [required_scope(route.view.cls, method), *extra])
                body = {
                    "pairs": [pair_item()],
                    field: [{"pair_external_id": "CRM-1", "month": "2026-02", "in_person": 1, "remote": 0}],
                }
                response = _call_with(client, method, reverse(route.name), body)
                if extra:
                    assert response.status_code == 200, response.json()
                else:
                    assert (response.status_code, response.json()["code"]) == (403, "scope_missing")
                    assert scope in response.json()["message"]
                checked += 1
    assert checked == 1


def test_without_a_token_every_endpoint_answers_401(db):
    for route in API_ROUTES:
        url = reverse(route.name, kwargs=route.sample_kwargs())
        for method in route.view.cls.scopes:
            response = _call(APIClient(), method, url)
            assert response.status_code == 401, (method, route.name)


def test_a_logged_in_person_without_token_gets_nothing_from_the_api(world, member, client_for):
    client = client_for(member(Role.MANAGER))
    for route in API_ROUTES:
        assert client.get(reverse(route.name, kwargs=route.sample_kwargs())).status_code == 401, route.name


def test_schema_and_docs_are_public_and_served_locally(db):
    schema = APIClient().get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/reported-pairs/" in schema.content
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<style" not in page and "<script>" not in page and "http" not in page.split("<body>")[1]
