"""Helpers for the daily reminder jobs: send each reminder once, as one digest per recipient group.
Digests carry counts and a link, never a name.

The jobs run in one transaction (their tasks are `transaction.atomic`): the reminders `first_time`
marks as sent and the e-mails the digests queue in the outbox commit together. A worker killed
half-way leaves neither, and the next run sends them; never marked sent without being queued."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse

from binome.accounts.models import Membership
from binome.notifications.emails import send_email
from binome.notifications.models import ReminderLog


def first_time(kind: str, object_id, due_on) -> bool:
    """True the first time this reminder is claimed; False ever after."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_id=object_id, due_on=due_on)
    except IntegrityError:
        return False
    return True


class Digests:
    """Lines to send, grouped by (organisation, roles, page to open)."""

    def __init__(self):
        self.lines = defaultdict(list)

    def add(self, organisation_id, roles, url_name: str, line: str) -> None:
        self.lines[(organisation_id, tuple(roles), url_name)].append(line)

    def send(self) -> int:
        sent = 0
        for (organisation_id, roles, url_name), lines in self.lines.items():
            emails = list(
                Membership.objects.filter(
                    organisation_id=organisation_id, role__in=roles, is_active=True, user__is_active=True
                ).values_list("user__email", flat=True)
            )
            if not emails:
                continue
            counts = defaultdict(int)
            for line in lines:
                counts[line] += 1
            send_email(
                template="pathway_reminder",
                to=emails,
                context={"counts": sorted(counts.items()), "path": reverse(url_name)},
            )
            sent += 1
        return sent
