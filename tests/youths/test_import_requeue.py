"""A youth import whose worker died (no heartbeat) is re-queued once — all or nothing, nothing of it
was written — and failed only if the rerun dies too (utils/jobs.py: sweep)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from freezegun import freeze_time

from binome.utils import jobs
from binome.youths import tasks
from binome.youths.imports import sweep_jobs
from binome.youths.models import Youth, YouthImportJob, YouthImportStatus
from tests.youths.test_imports import HEADER, LEA, communes, referrer  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _dead_job(referrer, status, content=f"{HEADER}\n{LEA}\n"):  # noqa: F811
    job = YouthImportJob(
        organisation=referrer.memberships.get().organisation,
        uploaded_by=referrer,
        original_name="export.csv",
        status=status,
    )
    job.file.save(f"{job.pk}.csv", ContentFile(content.encode()), save=False)
    job.save()
    long_ago = timezone.now() - datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)
    YouthImportJob.objects.filter(pk=job.pk).update(created_at=long_ago)
    with freeze_time(long_ago):
        jobs.beat(job, 40)
    return job


@pytest.mark.parametrize("status", [YouthImportStatus.IMPORTING, YouthImportStatus.QUEUED])
def test_a_job_whose_worker_died_runs_again_and_imports_its_file(referrer, status, mailoutbox):  # noqa: F811
    job = _dead_job(referrer, status)
    assert sweep_jobs() == (0, 0)  # re-queued, not failed (the worker runs it at once in tests)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == (YouthImportStatus.DONE, 1, 1)
    assert Youth.objects.filter(external_id="A-001").count() == 1 and not job.file
    assert mailoutbox == []


def test_a_rerun_that_dies_too_fails_the_job_and_tells_the_uploader(referrer, monkeypatch, mailoutbox):  # noqa: F811
    lost = []
    monkeypatch.setattr(tasks, "run_youth_import", lost.append)  # the rerun's worker dies as well
    job = _dead_job(referrer, YouthImportStatus.IMPORTING)
    assert sweep_jobs() == (0, 0)
    assert lost == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (YouthImportStatus.QUEUED, 1, 0)
    assert sweep_jobs() == (0, 0)  # the rerun beat when re-queued: given its own time
    assert lost == [job.pk]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=jobs.STALE_MINUTES + 1)):
        assert sweep_jobs() == (1, 0)
    job.refresh_from_db()
    assert job.status == YouthImportStatus.FAILED and not job.file
    assert lost == [job.pk] and not Youth.objects.exists()
    assert [m.to for m in mailoutbox] == [[referrer.email]]
