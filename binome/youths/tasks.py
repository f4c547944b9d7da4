from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from binome.youths.reminders import send_pathway_reminders


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("pathway-reminders")
def daily_pathway_reminders():
    send_pathway_reminders()
