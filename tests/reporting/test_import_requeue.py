"""An association import whose worker died is re-queued once from where it can safely start again —
a check is checked again, a confirmed import imports again (one transaction: nothing of it was
written) — and failed only if the rerun dies too."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from binome.reporting import tasks
from binome.reporting.imports import sweep_jobs
from binome.reporting.models import ImportJob, ImportStatus
from binome.utils import jobs
from tests.reporting.test_imports import _job_with_file, setup  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_each_dead_step_is_queued_again_once_then_failed(setup, monkeypatch, mailoutbox):  # noqa: F811
    queued = []
    monkeypatch.setattr(tasks, "validate_import", lambda pk: queued.append(("validate", pk)))
    monkeypatch.setattr(tasks, "run_import", lambda pk: queued.append(("import", pk)))
    long_ago = timezone.now() - datetime.timedelta(minutes=jobs.STALE_MINUTES + 5)
    dead = {
        status: _job_with_file(setup, status, created_at=long_ago, progress=60)
        for status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)
    }
    assert sweep_jobs() == (0, 0)
    states = {}
    for status, job in dead.items():
        job.refresh_from_db()
        states[status] = (job.status, job.attempts, job.progress)
    assert states == {
        ImportStatus.QUEUED: (ImportStatus.QUEUED, 1, 0),
        ImportStatus.VALIDATING: (ImportStatus.QUEUED, 1, 0),
        ImportStatus.IMPORTING: (ImportStatus.IMPORTING, 1, 0),
    }
    assert sorted(queued) == sorted(
        [
            ("validate", dead[ImportStatus.QUEUED].pk),
            ("validate", dead[ImportStatus.VALIDATING].pk),
            ("import", dead[ImportStatus.IMPORTING].pk),
        ]
    )
    assert mailoutbox == []
    with freeze_time(timezone.now() + datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)):
        assert sweep_jobs() == (3, 0)  # the reruns died too
    assert len(queued) == 3
    assert set(ImportJob.objects.values_list("status", flat=True)) == {ImportStatus.FAILED}
    assert len(mailoutbox) == 3
