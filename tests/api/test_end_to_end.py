"""As a CRM would: another process, plain httpx, against a live server."""

import json
import subprocess
import sys
import textwrap

import pytest

from binome.api.services import token_create
from binome.reporting.models import ReportedPair
from tests.youths.factories import ReferralFactory, YouthFactory

CRM = textwrap.dedent(
    """
    import json, sys, httpx

    base, token = sys.argv[1], sys.argv[2]
    out = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        out["orientations"] = http.get("/api/v1/orientations/").json()
        batch = {"pairs": [{"external_id": "SF-1", "youth_external_id": "SF-J1", "birth_year": 2012,
                            "gender": "m", "started_on": "2026-01-05", "state": "active"}],
                 "meetings": [{"pair_external_id": "SF-1", "month": "2026-02", "in_person": 3, "remote": 0}]}
        response = http.post("/api/v1/reported-pairs/", json=batch)
        out["upsert"] = [response.status_code, response.json()]
        response = http.post("/api/v1/reported-pairs/", json={"pairs": [{"external_id": "SF-2"}]})
        out["refused"] = [response.status_code, response.json()["code"], len(response.json()["errors"])]
        out["no_token"] = httpx.get(base + "/api/v1/pairs/").status_code
        out["schema"] = httpx.get(base + "/api/schema/").status_code
    print(json.dumps(out))
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_crm_in_another_process_reads_and_writes(live_server, e2e_world):
    world = e2e_world
    referral = ReferralFactory(
        youth=YouthFactory(ready=True, ase_service=world["ase_service"], first_name="Lou"),
        routed=True,
        association=world["association"],
    )
    _, token = token_create(
        association=world["association"],
        name="Salesforce",
        scopes=["pairs:read", "pairs:write", "meetings:write"],
    )
    result = subprocess.run(
        [sys.executable, "-c", CRM, live_server.url, token],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert [(o["id"], o["youth"]["first_name"]) for o in out["orientations"]["results"]] == [
        (str(referral.pk), "Lou")
    ]
    status, counts = out["upsert"]
    assert status == 200 and (counts["pairs_created"], counts["meetings_created"]) == (1, 1)
    assert out["refused"][:2] == [422, "batch_invalid"] and out["refused"][2] >= 4
    assert (out["no_token"], out["schema"]) == (401, 200)
    assert list(ReportedPair.objects.values_list("external_id", flat=True)) == ["SF-1"]
