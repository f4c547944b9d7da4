"""Helpers for the daily reminder jobs: send each reminder once (`first_time`); the digests that group
them per recipient are `accounts.digests.Digests` (they look recipients up by membership).

The jobs run in one transaction (their tasks are `transaction.atomic`): the reminders `first_time`
marks as sent and the e-mails the digests queue in the outbox commit together. A worker killed
half-way leaves neither, and the next run sends them; never marked sent without being queued."""

from django.db import IntegrityError, transaction

from binome.notifications.models import ReminderLog


def first_time(kind: str, object_id, due_on) -> bool:
    """True the first time this reminder is claimed; False ever after."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_id=object_id, due_on=due_on)
    except IntegrityError:
        return False
    return True
