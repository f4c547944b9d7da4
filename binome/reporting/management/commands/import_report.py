"""python manage.py import_report --association SLUG FILE.xlsx|FILE.ods [--dry-run] [--departement CODE]"""

import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from binome.accounts.models import Organisation
from binome.conventions.models import Convention
from binome.reporting.imports import import_file
from binome.utils.french import plural


def resolve_association(value: str) -> Organisation:
    """An association by its UUID, or by the slug of its name (« Tremplin Mentorat » → tremplin-mentorat)."""
    associations = Organisation.objects.associations()
    try:
        return associations.get(pk=uuid.UUID(value))
    except (ValueError, Organisation.DoesNotExist):
        pass
    matches = [a for a in associations.only("pk", "name") if slugify(a.name) == slugify(value)]
    if len(matches) != 1:
        raise CommandError(
            f"Association inconnue : « {value} »."
            if not matches
            else f"Plusieurs associations répondent à « {value} » : donnez son identifiant."
        )
    return matches[0]


def resolve_departement(association, code: str | None) -> Organisation:
    current = Organisation.objects.filter(
        pk__in=Convention.objects.current().filter(association=association).values("departement")
    )
    if code:
        departement = current.filter(insee_code=code).first()
        if departement is None:
            raise CommandError(f"L'association n'a pas de convention en vigueur avec le département {code}.")
        return departement
    departements = list(current[:2])
    if len(departements) != 1:
        raise CommandError(
            "L'association n'a pas de convention en vigueur."
            if not departements
            else "L'association travaille avec plusieurs départements : précisez --departement CODE."
        )
    return departements[0]


class Command(BaseCommand):
    help = "Importe le classeur d'une association (.xlsx ou .ods : binômes et rencontres), tout ou rien."

    def add_arguments(self, parser):
        parser.add_argument("--association", required=True, help="identifiant (UUID) ou nom en slug")
        parser.add_argument(
            "file", help="le classeur .xlsx ou .ods (modèle du suivi mensuel), ou un CSV de l'onglet Données"
        )
        parser.add_argument(
            "--departement", help="code INSEE, si l'association travaille avec plusieurs départements"
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier et compter sans rien écrire")

    def handle(self, *args, **options):
        association = resolve_association(options["association"])
        departement = resolve_departement(association, options.get("departement"))
        started = time.perf_counter()
        try:
            source = open(options["file"], "rb")  # noqa: SIM115 — closed below, after the import
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error.strerror}.") from None
        with source:
            report, counts = import_file(
                source, association=association, departement=departement, dry_run=options["dry_run"]
            )
        elapsed = time.perf_counter() - started
        if not report.ok:
            for error in report.errors[:200]:
                where = f"Ligne {error.row}, colonne {error.column}" if error.column else f"Ligne {error.row}"
                self.stderr.write(f"{where} : {error.message}")
            count = len(report.errors)
            raise CommandError(f"{count} erreur{'s' if count > 1 else ''} : rien n'a été importé.")
        prefix = "Vérification seule" if options["dry_run"] else "Import réussi"
        pairs = _counted(counts, "pairs", "binôme", dry_run=options["dry_run"])
        meetings = _counted(counts, "meetings", "rencontre", dry_run=options["dry_run"], feminine=True)
        self.stdout.write(
            f"{prefix} : {pairs} ; {meetings} — {plural(report.rows, 'ligne')} en {elapsed:.1f} s."
        )


def _counted(counts: dict, key: str, noun: str, *, dry_run: bool, feminine: bool = False) -> str:
    """« 3 binômes créés, aucun binôme mis à jour, 1 binôme inchangé » (« à créer »… for a dry run)."""
    e = "e" if feminine else ""
    if dry_run:
        created, updated = ("à créer", "à créer"), ("à mettre à jour", "à mettre à jour")
    else:
        created, updated = (
            (f"créé{e}", f"créé{e}s"),
            (f"mis{e} à jour", "mises à jour" if feminine else "mis à jour"),
        )
    unchanged = (f"inchangé{e}", f"inchangé{e}s")
    return ", ".join(
        plural(counts[f"{key}_{what}"], f"{noun} {one}", f"{noun}s {many}", feminine=feminine)
        for what, (one, many) in (("created", created), ("updated", updated), ("unchanged", unchanged))
    )
