import pytest

from tests.mentors.factories import MentorFactory
from tests.youths.factories import CommuneFactory, ReferralFactory, YouthFactory


@pytest.fixture
def communes(db):
    return {
        "nantes": CommuneFactory(insee_code="44109", name="Nantes", latitude=47.2184, longitude=-1.5536),
        "reze": CommuneFactory(insee_code="44143", name="Rezé", latitude=47.1636, longitude=-1.5497),
        "saint_nazaire": CommuneFactory(
            insee_code="44184", name="Saint-Nazaire", latitude=47.2735, longitude=-2.2138
        ),
    }


@pytest.fixture
def waiting(world, communes):
    """make(commune=…, **youth) → an accepted referral of the world's association, waiting for a mentor."""

    def make(commune="nantes", association=None, **youth_kwargs):
        youth = YouthFactory(
            ready=True,
            ase_service=world["ase_service"],
            commune=communes[commune],
            modality="in_person",
            availability=["mer_apm", "sam_matin"],
            **youth_kwargs,
        )
        return ReferralFactory(youth=youth, accepted=True, association=association or world["association"])

    return make


@pytest.fixture
def available(world, communes):
    """make(commune=…, **mentor) → a mentor of the world's association who can be matched today."""

    def make(commune="nantes", association=None, **kwargs):
        kwargs.setdefault("travel_km", 15)
        return MentorFactory(
            ready=True,
            association=association or world["association"],
            commune=communes[commune],
            availability=["mer_apm", "sam_matin"],
            **kwargs,
        )

    return make
