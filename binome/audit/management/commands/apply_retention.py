from django.core.management.base import BaseCommand

from binome.audit.retention import apply_retention


class Command(BaseCommand):
    help = "Anonymise les dossiers arrivés au terme de leur durée de conservation (jeunes, mentors)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")

    def handle(self, *args, dry_run, **options):
        report = apply_retention(dry_run=dry_run)
        verb = "à anonymiser" if dry_run else "anonymisé(s)"
        self.stdout.write(f"{' et '.join(report.lines())} {verb}.")
