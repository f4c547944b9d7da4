from django.core.management.base import BaseCommand

from binome.audit.retention import apply_retention


class Command(BaseCommand):
    help = "Anonymise les dossiers arrivés au terme de leur durée de conservation (jeunes, mentors)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")

    def handle(self, *args, dry_run, **options):
        report = apply_retention(dry_run=dry_run)
        counted = " et ".join(report.lines(done=not dry_run))
        self.stdout.write(f"{counted[:1].upper()}{counted[1:]}{' à anonymiser' if dry_run else ''}.")
