from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from binome.reporting.reminders import send_reporting_reminders
from binome.reporting.services import periods_open_due


@db_periodic_task(crontab(hour="6", minute="45"))
@lock_task("reporting-daily")
def daily_reporting():
    """Open the month's periods (on the 1st), then send the reminders that are due."""
    periods_open_due()
    with transaction.atomic():  # reminders marked sent and their e-mails commit together
        send_reporting_reminders()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("reporting-import-sweep")
def sweep_imports():
    """Re-queue once, then fail, the imports whose worker died; delete the uploads nobody needs after a day."""
    from binome.reporting.imports import sweep_jobs

    sweep_jobs()


@db_task()
def validate_import(job_id):
    from binome.reporting.imports import job_validate

    job_validate(job_id=job_id)


@db_task()
def run_import(job_id):
    from binome.reporting.imports import job_import

    job_import(job_id=job_id)
