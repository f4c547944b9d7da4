import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from binome.accounts.models import Organisation
from binome.steering.exports import write_steering_workbook
from binome.steering.periods import Period


class Command(BaseCommand):
    help = (
        "Écrit le tableau de pilotage d'un département pour une période (xlsx, 6 onglets : Explications, "
        "Synthèse des résultats, Tableau de bord, Données pseudonymisées, Paramètres figés, Financement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="code INSEE du département (ex. 44)")
        parser.add_argument(
            "--period", required=True, help="AAAA-MM (un mois), AAAA-T1 (un trimestre) ou AAAA"
        )
        parser.add_argument("--out", required=True, help="fichier .xlsx à écrire")

    def handle(self, *args, departement, period, out, **options):
        try:
            period = Period.parse(period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        organisation = Organisation.objects.departements().filter(insee_code=departement).first()
        if organisation is None:
            raise CommandError(f"Aucun département de code « {departement} ».")
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Le fichier doit se terminer par .xlsx.")
        started = time.perf_counter()
        with path.open("wb") as handle:
            write_steering_workbook(handle, departement=organisation, period=period)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path} : tableau de pilotage de {organisation} pour {period.label} "
                f"({path.stat().st_size // 1024} Ko, {time.perf_counter() - started:.1f} s)."
            )
        )
