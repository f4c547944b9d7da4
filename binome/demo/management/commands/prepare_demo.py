"""What `./run` does before starting the server, in one process (each `manage.py` costs the start of
Django): a first start copies the demo snapshot (no database yet, SQLite), then the migrations still to
apply, the cache table and `seed_demo` (which adds nothing when the demo is there)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from binome.demo import snapshot


class Command(BaseCommand):
    help = "Prépare la base de la démo : instantané (première fois), migrations, table du cache, données."
    requires_system_checks = []  # the server that follows runs them

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3" and snapshot.restore_file(
            Path(database["NAME"])
        ):
            self.stdout.write("Base créée depuis l'instantané de la démo (binome/demo/snapshot/).")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
