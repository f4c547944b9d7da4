from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.text import capfirst

from binome.audit.services import purge_access_logs
from binome.utils.french import plural


class Command(BaseCommand):
    help = "Supprime les entrées du journal d'accès plus anciennes que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=settings.BINOME_ACCESS_LOG_RETENTION_MONTHS)

    def handle(self, *args, months, **options):
        deleted = purge_access_logs(months=months)
        self.stdout.write(
            capfirst(
                f"{plural(deleted, 'entrée supprimée', 'entrées supprimées', feminine=True)} (plus de {months} mois)."
            )
        )
