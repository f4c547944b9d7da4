"""python manage.py api_token create --association SLUG --scopes pairs:read,meetings:write [--name NAME] [--days N]
python manage.py api_token list --association SLUG
python manage.py api_token revoke --id UUID"""

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from binome.api.models import ApiToken, Scope
from binome.api.services import token_create, token_revoke
from binome.audit.services import log_access
from binome.reporting.management.commands.import_report import resolve_association


class Command(BaseCommand):
    help = (
        "Crée, liste ou révoque les jetons d'API d'une association. Le jeton créé est sur la dernière ligne."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="créer un jeton (affiché une seule fois)")
        create.add_argument("--association", required=True, help="identifiant (UUID) ou nom en slug")
        create.add_argument(
            "--scopes", required=True, help=f"portées séparées par des virgules : {','.join(Scope.values)}"
        )
        create.add_argument("--name", default="Ligne de commande", help="nom pour le reconnaître")
        create.add_argument("--days", type=int, default=365, help="validité en jours (366 au plus)")
        listing = sub.add_parser("list", help="lister les jetons d'une association")
        listing.add_argument("--association", required=True)
        revoke = sub.add_parser("revoke", help="révoquer un jeton")
        revoke.add_argument("--id", required=True, help="identifiant du jeton (voir list)")

    def handle(self, *args, action, **options):
        if action == "create":
            association = resolve_association(options["association"])
            try:
                token, raw = token_create(
                    association=association,
                    name=options["name"],
                    scopes=options["scopes"].split(","),
                    days=options["days"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            # As the manager's page does: the association's journal shows every token made for it
            # (no person: the command is run by whoever operates the server).
            log_access(user=None, organisation=association, action="create", obj=token)
            self.stdout.write(
                f"Jeton « {token.name} » créé pour {association.name} ({', '.join(token.scopes)}), "
                f"valable jusqu'au {token.expires_at:%d/%m/%Y}. Il ne sera plus affiché :"
            )
            self.stdout.write(raw)
        elif action == "list":
            association = resolve_association(options["association"])
            for token in ApiToken.objects.filter(association=association):
                self.stdout.write(
                    f"{token.pk}  {token.hint}…  {token.status_label:8}  {token.expires_at:%d/%m/%Y}  "
                    f"{','.join(token.scopes)}  {token.name}"
                )
        else:
            try:
                token = ApiToken.objects.get(pk=uuid.UUID(options["id"]))
            except (ValueError, ApiToken.DoesNotExist):
                raise CommandError("Jeton inconnu.") from None
            done = token_revoke(token=token)
            if done:
                log_access(user=None, organisation=token.association, action="update", obj=token)
            self.stdout.write("Jeton révoqué." if done else "Ce jeton était déjà révoqué.")
