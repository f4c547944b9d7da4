import pytest
from django.test import Client

from binome.accounts.models import Role
from tests.accounts.factories import (
    AseServiceFactory,
    AssociationFactory,
    ConventionFactory,
    DepartementFactory,
    MembershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and used TOTP codes live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def build_world():
    """Two départements, each with an association under convention and an ASE service."""
    dept = DepartementFactory(name="Département A", insee_code="44")
    other_dept = DepartementFactory(name="Département B", insee_code="85")
    association = AssociationFactory(name="Association A")
    other_association = AssociationFactory(name="Association B")
    ConventionFactory(departement=dept, association=association)
    ConventionFactory(departement=other_dept, association=other_association)
    return {
        "departement": dept,
        "other_departement": other_dept,
        "association": association,
        "other_association": other_association,
        "ase_service": AseServiceFactory(departement=dept, name="Service ASE A"),
        "other_ase_service": AseServiceFactory(departement=other_dept, name="Service ASE B"),
    }


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def e2e_world(transactional_db):
    """The same world, committed, so the live server's thread sees it."""
    return build_world()


ROLE_ORGANISATION = {
    Role.PILOT: "departement",
    Role.VIEWER: "departement",
    Role.MANAGER: "association",
    Role.COORDINATOR: "association",
    Role.REFERRER: "ase_service",
}


@pytest.fixture
def member(world):
    """member(Role.PILOT) → a user with an authenticator app and that role in the first organisation."""

    def make(role, organisation=None, **user_kwargs):
        organisation = organisation or world[ROLE_ORGANISATION[role]]
        user = UserFactory(with_totp=True, **user_kwargs)
        return MembershipFactory(user=user, organisation=organisation, role=role).user

    return make


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
