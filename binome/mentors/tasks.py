from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from binome.mentors.reminders import send_mentor_reminders


@db_periodic_task(crontab(hour="7", minute="40"))
@lock_task("mentor-reminders")
@transaction.atomic  # reminders marked sent and their e-mails commit together (notifications/reminders.py)
def daily_mentor_reminders():
    send_mentor_reminders()
