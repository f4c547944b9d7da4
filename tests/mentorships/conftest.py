import pytest

from binome.accounts.models import Role


@pytest.fixture
def people(world, member):
    return {
        "coordinator": member(Role.COORDINATOR),
        "manager": member(Role.MANAGER),
        "referrer": member(Role.REFERRER),
        "pilot": member(Role.PILOT),
        "other_coordinator": member(Role.COORDINATOR, organisation=world["other_association"]),
        "other_referrer": member(Role.REFERRER, organisation=world["other_ase_service"]),
    }


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Scans and logos go to a temporary folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path
