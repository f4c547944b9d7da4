from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from binome.accounts.management.commands.setup_departement import print_report
from binome.accounts.onboarding import platform_admin_setup


class Command(BaseCommand):
    help = (
        "Crée un administrateur de la plateforme, sans mot de passe en ligne de commande : affiche un lien "
        "à usage unique pour le choisir ; la double authentification est demandée à la première connexion."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="adresse de l'administrateur")
        parser.add_argument(
            "--renvoyer", action="store_true", help="affiche un nouveau lien pour choisir le mot de passe"
        )

    def handle(self, *args, email, renvoyer, **options):
        try:
            report = platform_admin_setup(email=email, reissue=renvoyer)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        print_report(self, report)
