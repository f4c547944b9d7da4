"""The daily reminders' digests: one e-mail per (organisation, roles, page to open), counts and a link,
never a name. Recipients are the organisation's active members holding those roles, which is why this
lives in accounts, above notifications (`notifications.reminders.first_time` sends each reminder once)."""

from collections import defaultdict

from django.urls import reverse

from binome.accounts.models import Membership
from binome.notifications.emails import send_email


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
