"""Hostile input through the API: a French 4xx with a stable code, never a 500."""

import base64
from urllib.parse import urlencode

import pytest

from binome.reporting.models import ReportedPair
from tests.api.test_endpoints import pair_item

LISTS = ["/api/v1/orientations/", "/api/v1/pairs/", "/api/v1/reported-pairs/", "/api/v1/reports/"]


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "value",
    [
        cursor("o=0&r=0&p=abc"),
        cursor("o=0&r=0&p=\x00"),
        cursor("o=0&r=0&p=0001-01-01"),
        cursor("o=0&r=0&p=0001-01-01 00:00:00+14:00"),
        cursor("o=0&r=0&p=9999-12-31 23:59:59-14:00"),
        cursor("o=x&r=0"),
        "nimportequoi",
    ],
    ids=["text", "nul", "year-1", "year-1-east", "year-9999-west", "offset", "undecodable"],
)
def test_a_bad_cursor_answers_400_invalid_cursor(world, api, url, value):
    response = api.get(url, {"cursor": value})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid_cursor"
    assert response.json()["message"].startswith("Curseur de pagination invalide")


def test_a_cursor_with_a_good_position_still_pages(world, api):
    response = api.get(
        "/api/v1/reported-pairs/", {"cursor": cursor(urlencode({"p": "2026-01-01 10:00:00+00:00"}))}
    )
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    "body", ["[" * 100_000, '{"a":' * 100_000, '{"pairs": NaN}'], ids=["list", "object", "nan"]
)
def test_deeply_nested_or_non_standard_json_is_refused_as_unreadable(world, api, body):
    response = api.post("/api/v1/reported-pairs/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


@pytest.mark.parametrize(
    "body",
    [
        '{"pairs": [{"external_id": "CRM-1", "youth_external_id": "J", "birth_year": 1e400, "gender": "f",'
        ' "started_on": "2026-01-10", "state": "active"}]}',
        '{"pairs": [{"external_id": "CRM-1", "youth_external_id": "J", "birth_year": "' + "9" * 5000 + '",'
        ' "gender": "f", "started_on": "2026-01-10", "state": "active"}]}',
        '{"pairs": [{"external_id": "CRM-1", "youth_external_id": "J", "birth_year": "nan", "gender": "f",'
        ' "started_on": "2026-01-10", "state": "active"}]}',
    ],
    ids=["1e400", "5000-digits", "nan"],
)
def test_a_huge_birth_year_is_a_row_error(world, api, body):
    response = api.post("/api/v1/reported-pairs/", body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == [
        {
            "list": "pairs",
            "index": 0,
            "field": "birth_year",
            "message": "attendu : une année sur 4 chiffres, ex. 2011",
        }
    ]
    assert not ReportedPair.objects.exists()


def test_a_body_over_the_limit_answers_413(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"pairs": [' + ",".join(['{"external_id": "CRM-1"}'] * 100) + "]}"
    response = api.post("/api/v1/reported-pairs/", body, content_type="application/json")
    assert response.status_code == 413, response.content[:300]
    assert response.json()["code"] == "payload_too_large"
    assert "Mo" in response.json()["message"]


@pytest.mark.parametrize(
    "url", ["/api/v1/pairs/?page_size=1\x00", "/api/v1/pairs/?x\x00=1", "/api/v1/nope\x00/"]
)
def test_a_nul_in_an_api_address_answers_json(world, api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "nul_character"
    assert "caractère nul" in response.json()["message"]


def test_a_batch_item_with_a_huge_birth_year_through_the_xlsx_rules(world, api):
    # The same cleaner as the xlsx import: the value that overflows float is an ordinary row error.
    response = api.post("/api/v1/reported-pairs/", {"pairs": [pair_item(birth_year="1e999")]}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "birth_year"
