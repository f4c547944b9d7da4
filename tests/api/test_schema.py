"""The OpenAPI schema says what the API does: valid, lists paginated, scope and errors per operation."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

LISTS = ["/api/v1/orientations/", "/api/v1/pairs/", "/api/v1/reported-pairs/", "/api/v1/reports/"]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_without_a_warning(tmp_path):
    # What `manage.py spectacular --validate --fail-on-warn` checks (a warning is an error).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


@pytest.mark.parametrize("path", LISTS)
def test_a_list_is_paginated_with_its_cursor(schema, path):
    get = schema["paths"][path]["get"]
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} >= {"cursor", "page_size"}
    assert "400" in get["responses"]  # invalid_cursor


def test_each_operation_says_its_scope_and_its_errors(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]
    assert len(operations) == 12
    for path, method, operation in operations:
        assert "Portée : `" in operation["description"], (path, method)
        assert operation["x-scopes"], (path, method)
        for code in ("401", "403", "429"):
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"} and error["required"] == [
        "code",
        "message",
    ]
    post = schema["paths"]["/api/v1/reported-pairs/"]["post"]
    assert {"400", "409", "413", "422"} <= set(post["responses"])
    assert "Avec « meetings » : aussi `meetings:write`." in post["description"]
    assert "404" in schema["paths"]["/api/v1/pairs/{pair_id}/"]["get"]["responses"]
    assert "410" in schema["paths"]["/api/v1/events/"]["get"]["responses"]
