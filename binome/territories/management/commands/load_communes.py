from django.core.management.base import BaseCommand

from binome.territories.services import communes_load


class Command(BaseCommand):
    help = "Charge ou met à jour les communes d'un ou plusieurs départements (code officiel géographique)."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="+", help="codes INSEE des départements, ex. 44 2A 974")

    def handle(self, *args, codes, **options):
        for code in codes:
            count = communes_load(departement_code=code)
            self.stdout.write(f"Département {code} : {count} communes.")
