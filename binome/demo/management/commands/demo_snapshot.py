"""The demo snapshot (binome/demo/snapshot.py): write it, check it, or start a new SQLite database from it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from binome.demo import snapshot


class Command(BaseCommand):
    help = "Instantané de la démo : l'écrire (--write), le vérifier (--check) ou démarrer une base neuve (--restore)."

    def add_arguments(self, parser):
        actions = parser.add_mutually_exclusive_group(required=True)
        actions.add_argument(
            "--write",
            action="store_true",
            help="reconstruit la démo par les services et l'enregistre (≈ 1 min)",
        )
        actions.add_argument("--check", action="store_true", help="dit si l'instantané suit les migrations")
        actions.add_argument(
            "--restore",
            action="store_true",
            help="sans base SQLite encore, la crée depuis l'instantané (avant migrate ; sinon ne fait rien)",
        )
        actions.add_argument(
            "--build-here", action="store_true", help="(interne) construit la démo dans cette base"
        )

    def handle(self, *args, write, check, restore, build_here, **options):
        if build_here:
            snapshot.build_here()
        elif write:
            meta = snapshot.write(stdout=self.stdout)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Instantané écrit : {snapshot.SNAPSHOT.name}, {sum(meta['rows'].values())} lignes, "
                    f"{len(meta['migrations'])} migrations."
                )
            )
        elif check:
            self.check_current()
        else:
            self.restore()

    def check_current(self):
        meta = snapshot.read_meta()
        if meta is None:
            raise CommandError("Pas d'instantané : manage.py demo_snapshot --write")
        on_disk = snapshot.migrations_on_disk()
        stale = snapshot.stale_migrations(meta, on_disk)
        newer = sorted(set(on_disk) - set(meta["migrations"]))
        if stale or newer:
            raise CommandError(
                "Instantané à refaire (manage.py demo_snapshot --write) : "
                + ", ".join([*(f"{n} modifiée ou retirée" for n in stale), *(f"{n} nouvelle" for n in newer)])
            )
        self.stdout.write(f"Instantané à jour (construit le {meta['built_at'][:10]}).")

    def restore(self):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            return
        if snapshot.restore_file(Path(database["NAME"])):
            self.stdout.write("Base de démonstration créée depuis l'instantané.")
