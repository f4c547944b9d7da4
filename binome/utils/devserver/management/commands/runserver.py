import errno
import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.servers.basehttp import run
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import autoreload
from whitenoise.runserver_nostatic.management.commands.runserver import Command as StaticRunserver

from binome.utils.french import plural

ERRORS = {
    errno.EACCES: "vous n'avez pas le droit d'utiliser ce port.",
    errno.EADDRINUSE: "ce port est déjà utilisé (un autre Binôme tourne-t-il ? essayez PORT=8001 ./run).",
    errno.EADDRNOTAVAIL: "cette adresse IP n'existe pas sur cette machine.",
}


class Command(StaticRunserver):
    help = "Serveur web de développement (démonstration, poste local) ; en production : gunicorn."

    def inner_run(self, *args, **options):
        autoreload.raise_last_exception()
        if not options["skip_checks"]:
            self.check(display_num_errors=False)  # says nothing when all is well
        self.check_migrations()
        for connection in connections.all(initialized_only=True):
            connection.close()
        try:
            run(
                self.addr,
                int(self.port),
                self.get_handler(*args, **options),
                ipv6=self.use_ipv6,
                threading=options["use_threading"],
                on_bind=self.on_bind,
                server_cls=self.server_cls,
            )
        except OSError as error:
            self.stderr.write(f"Le serveur web ne démarre pas : {ERRORS.get(error.errno, error.strerror)}")
            os._exit(1)
        except KeyboardInterrupt:
            sys.exit(0)

    def on_bind(self, server_port):
        address = f"[{self.addr}]" if self._raw_ipv6 else ("0.0.0.0" if self.addr == "0" else self.addr)  # noqa: S104 (shown, not bound)
        self.stdout.write(
            f"Serveur web de développement à l'écoute sur {self.protocol}://{address}:{server_port}/ "
            "— pour une démonstration ou un poste local ; en production, gunicorn (docs/operations.md)."
        )

    def check_migrations(self):
        from django.db.migrations.executor import MigrationExecutor

        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        except ImproperlyConfigured:
            return
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stdout.write(
                self.style.NOTICE(
                    f"La base attend {plural(len(plan), 'migration', feminine=True)} : lancez "
                    "`python manage.py migrate` (./run le fait)."
                )
            )
