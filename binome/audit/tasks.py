from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from binome.audit.services import purge_access_logs


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("purge-access-logs")
def nightly_purge_access_logs():
    purge_access_logs(months=settings.BINOME_ACCESS_LOG_RETENTION_MONTHS)


@db_periodic_task(crontab(hour="3", minute="37"))
@lock_task("apply-retention")
def nightly_retention():
    from binome.audit.retention import apply_retention

    apply_retention()
