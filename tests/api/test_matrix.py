"""The URL × role matrix extended to the API: every endpoint × every scope × another association's
object. The scopes come from each view's `scopes`, the same attribute docs/permissions.md is built from."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from binome.accounts.models import Role
from binome.accounts.urlwalk import walk
from binome.api.access import required_scope
from binome.api.models import Scope
from tests.mentorships.factories import validated_pair
from tests.reporting.factories import AssociationReportFactory, ReportingPeriodFactory
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
    return getattr(client, method.lower())(url, BODIES.get(method), format="json")


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
            if (allowed and status in (401, 403, 404)) or (not allowed and status != 403):
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


def test_lists_hold_only_the_associations_own_rows(world, member, api_for):
    objects = _objects(world, member)
    client = api_for(world["association"], list(Scope))
    expected = {
        # The pair's own orientation is one of the association's too.
        "api:orientations": {objects["orientation_id"][0].pk, objects["pair_id"][0].referral_id},
        "api:pairs": {objects["pair_id"][0].pk},
        "api:reports": {objects["report_id"][0].pk},
    }
    for name, ids in expected.items():
        rows = client.get(reverse(name)).json()["results"]
        assert {row["id"] for row in rows} == {str(i) for i in ids}, name


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
