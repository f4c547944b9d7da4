"""The e-mail outbox for the operator: rows by state, the failed and oldest waiting ones (age,
attempts, kind of error; never an address), and a retry of the failed ones once the cause is fixed."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from binome.notifications import outbox
from binome.notifications.models import OutboxEmail, OutboxStatus
from binome.utils.french import plural


def _age(moment) -> str:
    minutes = int((timezone.now() - moment).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


class Command(BaseCommand):
    help = "État de la file des e-mails ; --retry-failed renvoie les e-mails abandonnés."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="remettre en file les e-mails abandonnés"
        )

    def handle(self, *args, retry_failed=False, **options):
        if retry_failed:
            retried = plural(outbox.retry_failed(), "e-mail abandonné remis", "e-mails abandonnés remis")
            self.stdout.write(f"{retried[:1].upper()}{retried[1:]} en file.")
            outbox.send_due()
        counts = outbox.counts()
        for status, label in OutboxStatus.choices:
            self.stdout.write(f"{label} : {counts[status]}")
        shown = OutboxEmail.objects.filter(
            status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.SENDING]
        ).order_by("created_at")[:20]
        for row in shown:
            self.stdout.write(
                f"  n° {row.pk} {row.get_status_display().lower()}, créé il y a {_age(row.created_at)}, "
                f"{plural(row.attempts, 'essai')}{f', {row.last_error}' if row.last_error else ''}"
            )
