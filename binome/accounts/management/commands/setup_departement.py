from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from binome.accounts.onboarding import departement_setup


class Command(BaseCommand):
    help = (
        "Crée un département à partir de son code officiel (communes, listes de référence, territoires) "
        "et invite sa ou son chargé·e de mission. Relancée, ne change que ce qui manque."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="code officiel du département : 44, 2A, 974…")
        parser.add_argument(
            "--pilot", default="", metavar="EMAIL", help="adresse de la ou du chargé·e de mission"
        )
        parser.add_argument("--name", default="", help="nom affiché (par défaut : « Département de la … »)")
        parser.add_argument(
            "--renvoyer", action="store_true", help="remplace une invitation en attente par une nouvelle"
        )

    def handle(self, *args, code, pilot, name, renvoyer, **options):
        try:
            report = departement_setup(code=code, pilot_email=pilot, name=name, reinvite=renvoyer)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        print_report(self, report)


def print_report(command, report):
    label = report.organisation or "Plateforme"
    for change in report.changes:
        command.stdout.write(f"{label} : {change}.")
    for note in report.notes:
        command.stdout.write(f"{label} : {note}.")
    if not report.changed:
        command.stdout.write(command.style.SUCCESS(f"{label} : rien à faire, tout est déjà en place."))
    if report.link_path:
        if report.link_emailed:
            command.stdout.write(
                "Lien à usage unique (aussi envoyé par e-mail), à transmettre si la messagerie n'est pas "
                "encore configurée :"
            )
        else:
            command.stdout.write("Lien à usage unique pour choisir le mot de passe (à ouvrir soi-même) :")
        command.stdout.write(settings.BINOME_SITE_URL.rstrip("/") + report.link_path)
