from django.core.management.base import BaseCommand

from binome.demo import snapshot
from binome.demo.builders import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Charge le département de démonstration (idempotent : une seconde exécution n'ajoute rien)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", "national"],
            default="demo",
            help="national : France synthétique pour les mesures de performance (PostgreSQL, voir bench/)",
        )
        parser.add_argument(
            "--fraction", type=float, default=1.0, help="avec --scale national : une fraction des volumes"
        )
        parser.add_argument(
            "--services",
            action="store_true",
            help="construit la démo par les services, sans l'instantané, et complète ce qui manque (≈ 1 min)",
        )

    def handle(self, *args, scale="demo", fraction=1.0, services=False, **options):
        if scale == "national":
            from bench.national import seed_command

            return seed_command(self, fraction=fraction)
        # Already there (a second start), or copied from the snapshot (an empty SQLite database): only
        # what depends on the day is built now. Otherwise, through the services (PostgreSQL, --services).
        world = None if services else snapshot.existing_world()
        if world is None and not services and snapshot.restore_rows():
            world = snapshot.existing_world()
        if world is None:
            from binome.demo.builders import build_demo
            from binome.demo.pairs import build_pairs

            world = build_demo()
            build_pairs(world)
        else:
            snapshot.ensure_files()
        from binome.demo.reporting import build_reporting

        build_reporting(world)
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo prête : {world.departement}, {len(world.associations)} associations, "
                f"{len(world.ase_services)} services ASE, {len(world.territories)} territoires."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, _first, _last, _memberships, is_admin in PEOPLE:
            user = world.users[email]
            roles = " ; ".join(
                f"{m.get_role_display()} — {m.organisation}"
                for m in user.memberships.select_related("organisation")
            )
            if is_admin:
                roles = "administrateur de la plateforme"
            self.stdout.write(f"  {email:<38} {roles}")
