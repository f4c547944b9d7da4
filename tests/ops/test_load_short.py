"""The short load run (10 users, 30 s) of bench/load/run.sh, on PostgreSQL: gunicorn (4 workers) and two
huey workers on a Redis of their own, one of each killed during the run. No request may fail beyond
the one in flight on the killed web worker, and every e-mail queued must go out exactly once.
The full run (50 users, 5 minutes) and its figures: bench/RESULTS.md."""

import json
import os
import shutil
import socket
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from binome.accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import build_world
from tests.mentorships.factories import active_pair
from tests.youths.factories import ReferralFactory, YouthFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server absent")
def test_ten_users_for_thirty_seconds_with_a_web_and_a_huey_worker_killed(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the load bench runs on PostgreSQL, as production does")
    if os.getloadavg()[0] > 3 * (os.cpu_count() or 1):
        # Requests then wait past gunicorn's 30 s timeout: the run would measure the machine, not Binôme.
        pytest.skip(f"machine saturated (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU)")
    world = build_world()
    coordinator = UserFactory(with_totp=True)
    MembershipFactory(user=coordinator, organisation=world["association"], role=Role.COORDINATOR)
    for _ in range(3):
        active_pair(world, coordinator, started_days_ago=40)
        ReferralFactory(
            youth=YouthFactory(ready=True, ase_service=world["ase_service"]),
            accepted=True,
            association=world["association"],
        )
    database = connection.settings_dict
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    url = f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "BENCH_DATABASE_URL": url,
        "BENCH_OUT": str(tmp_path / "load"),
        "BENCH_PORT": str(_free_port()),
        "BENCH_REDIS_PORT": str(_free_port()),
        "BENCH_EMAILS_AT_KILL": "100",
    }
    result = subprocess.run(
        [str(settings.BASE_DIR / "bench" / "load" / "run.sh"), "--users", "10", "--time", "30", "--no-seed"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary_file = tmp_path / "load" / "summary.json"
    assert summary_file.exists(), result.stderr[-3000:]
    summary = json.loads(summary_file.read_text())
    assert summary["requests"] > 50, summary
    assert summary["failed_otherwise"] == 0, summary["failure_examples"]
    assert (
        summary["emails_queued"] >= 100 and summary["emails_lost"] == 0 and summary["emails_sent_twice"] == 0
    )
    assert [kill.split()[0] for kill in summary["kills"]] == ["gunicorn", "huey"]
    assert result.returncode == 0, result.stderr[-3000:]
