from django.core.management.base import BaseCommand

from binome.demo.builders import DEMO_PASSWORD, PEOPLE, build_demo


class Command(BaseCommand):
    help = "Charge le département de démonstration (idempotent : une seconde exécution n'ajoute rien)."

    def handle(self, *args, **options):
        world = build_demo()
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
