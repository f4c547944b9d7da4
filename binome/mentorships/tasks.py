from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from binome.mentorships.reminders import send_pair_reminders
from binome.mentorships.services import refresh_all_follow_ups


@db_periodic_task(crontab(hour="6", minute="30"))
@lock_task("pair-colours")
def nightly_follow_up_colours():
    refresh_all_follow_ups()


@db_periodic_task(crontab(hour="7", minute="50"))
@lock_task("pair-reminders")
@transaction.atomic  # reminders marked sent and their e-mails commit together (notifications/reminders.py)
def daily_pair_reminders():
    send_pair_reminders()
