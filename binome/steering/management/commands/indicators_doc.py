from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from binome.steering.dictionary import render


class Command(BaseCommand):
    help = "Affiche (ou écrit dans docs/indicators.md) le dictionnaire des indicateurs."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="écrit docs/indicators.md")

    def handle(self, *args, write, **options):
        text = render()
        if write:
            Path(settings.BASE_DIR, "docs", "indicators.md").write_text(text, encoding="utf-8")
            self.stdout.write("docs/indicators.md mis à jour.")
        else:
            self.stdout.write(text)
