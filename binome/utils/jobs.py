"""Background jobs working on an uploaded file (the imports): live progress, a heartbeat, and the
sweep that fails a job whose worker died and deletes the uploads nobody needs any more.

Progress and heartbeat live in huey's key-value store (Redis, or its SQLite file), not on the job's
row: the youth import writes every row in one transaction (all or nothing), and an UPDATE of the job
made inside it would stay invisible, until the end, to the page polling it and to the sweep.

A job whose worker was killed stops beating (huey on Redis acknowledges nothing: the task died with
its consumer). After `STALE_MINUTES` (`BINOME_STALE_JOB_MINUTES`) without a beat the sweep re-queues
it once — the imports are all or nothing, so a rerun is safe — and, should the rerun die too, marks
it failed, deletes its file and tells the person who uploaded it. The file of a finished or failed
job is deleted a day after it finished (an import deletes it itself as soon as it is done).
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from binome.utils.models import BaseModel

logger = logging.getLogger(__name__)

STALE_MINUTES = int(getattr(settings, "BINOME_STALE_JOB_MINUTES", 15))
KEEP_UPLOADS = datetime.timedelta(days=1)
BEAT_EVERY_S = 1.0
REQUEUES = 1  # reruns of a job whose worker died, before it is failed


class UploadJob(BaseModel):
    """What the imports' jobs share (youths.YouthImportJob, reporting.ImportJob): who uploaded what,
    progress, the error report, and how many times the sweep re-queued it. Each adds its status (its
    own states), its file (its own folder) and what it imports into."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField("fichier", max_length=200)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first 1000, as lists (row, …, message)
    error_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # reruns after its worker died

    RUNNING: tuple = ()  # the states in which a worker is (or should be) on it

    class Meta:
        abstract = True

    def __str__(self):
        return f"Import {self.original_name}"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING


def _key(job) -> str:
    return f"job-beat:{job._meta.label_lower}:{job.pk}"


def _huey():
    from huey.contrib.djhuey import HUEY

    return HUEY


def beat(job, percent: int) -> None:
    """The job is alive and at `percent`. Never fails the job: a store that does not answer only
    costs the progress bar."""
    try:
        _huey().put(_key(job), (min(int(percent), 100), time.time()))
    except Exception:  # the queue's store unreachable: the import itself must go on
        logger.warning("job heartbeat not stored", exc_info=True)


def beater(job, scale: float = 1.0, offset: float = 0.0):
    """A progress callback beating at most once a second (percent of its own phase, scaled)."""
    last = [0.0]

    def progress(percent):
        now = time.monotonic()
        if now - last[0] >= BEAT_EVERY_S or percent >= 100:
            last[0] = now
            beat(job, offset + percent * scale)

    return progress


def last_beat(job) -> tuple[int, float] | None:
    """(percent, unix time) of the latest beat, or None."""
    try:
        return _huey().get(_key(job), peek=True)
    except Exception:
        return None


def live_progress(job, stored: int = 0) -> int:
    seen = last_beat(job)
    return max(stored, seen[0]) if seen else stored


def forget(job) -> None:
    try:
        _huey().delete(_key(job))
    except Exception:
        logger.warning("job heartbeat not removed", exc_info=True)


def _delete_file(job) -> None:
    if job.file:
        job.file.delete(save=False)
        type(job).objects.filter(pk=job.pk).update(file="")


Requeue = dict[str, tuple[str, Callable[[object], object]]]


def _requeue(job, restart) -> bool:
    """Run the job again from `restart` = (state, task), once (conditional: two sweeps at once
    re-queue it once). True when re-queued."""
    state, task = restart
    model = type(job)
    if not model.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=state, attempts=job.attempts + 1, progress=0
    ):
        return False
    beat(job, 0)  # a fresh beat: the rerun gets its own STALE_MINUTES
    task(job.pk)
    logger.warning("%s %s re-queued: its worker stopped beating", model._meta.label, job.pk)
    return True


def sweep(model, *, running, failed, finished, url_name, requeue: Requeue | None = None, tell=None, now=None):
    """Re-queue once (`requeue`: running state → (state to restart from, task)) the running jobs of
    `model` with no beat for `STALE_MINUTES`; fail those already re-queued (file deleted, uploader
    told by `tell(job, url of its page, minutes)`); delete the files of jobs finished more than a day
    ago. Returns (failed, purged)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=STALE_MINUTES)
    stale = 0
    for job in model.objects.filter(status__in=running, created_at__lt=cutoff).select_related("uploaded_by"):
        seen = last_beat(job)
        if seen and seen[1] > cutoff.timestamp():
            continue
        restart = (requeue or {}).get(job.status)
        if restart and job.attempts < REQUEUES:
            _requeue(job, restart)
            continue
        # Conditional, so a job that finishes meanwhile keeps its real outcome.
        if not model.objects.filter(pk=job.pk, status=job.status).update(status=failed, finished_at=now):
            continue
        stale += 1
        _delete_file(job)
        forget(job)
        if tell is not None:
            tell(job, reverse(url_name, kwargs={"job_id": job.pk}), STALE_MINUTES)
    purged = 0
    for job in model.objects.filter(status__in=finished, finished_at__lt=now - KEEP_UPLOADS).exclude(file=""):
        _delete_file(job)
        purged += 1
    return stale, purged
