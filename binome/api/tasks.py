from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from binome.api.feed import events_purge


@db_periodic_task(crontab(hour="3", minute="27"))
@lock_task("purge-api-events")
def nightly_purge_events():
    events_purge()
