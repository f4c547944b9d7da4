from django.core.management import call_command

from binome.accounts.models import Convention, Membership, Organisation, User
from binome.territories.models import Commune, Territory


def counts():
    return [m.objects.count() for m in (Organisation, Convention, Membership, User, Commune, Territory)]


def test_seed_demo_builds_a_believable_departement_and_is_idempotent(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    assert Organisation.objects.departements().count() == 1
    assert Organisation.objects.associations().count() == 3
    assert Organisation.objects.ase_services().count() == 6
    assert Convention.objects.current().count() == 3
    assert Commune.objects.filter(departement_code="44").count() > 200
    assert Commune.objects.get(insee_code="44109").name == "Nantes"
    assert all(t.communes.exists() for t in Territory.objects.all())
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"pilot", "viewer", "manager", "coordinator", "referrer"}
    assert User.objects.filter(is_staff=True).exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
