from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from binome.youths.reminders import send_pathway_reminders


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("pathway-reminders")
@transaction.atomic  # reminders marked sent and their e-mails commit together (notifications/reminders.py)
def daily_pathway_reminders():
    send_pathway_reminders()


@db_task()
def run_youth_import(job_id):
    from binome.youths.imports import job_run

    job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("youth-import-sweep")
def sweep_youth_imports():
    """Re-queue once, then fail, the imports whose worker died; delete finished ones' uploads after a day."""
    from binome.youths.imports import sweep_jobs

    sweep_jobs()
