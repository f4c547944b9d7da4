"""Issue 13's leftovers, each on a small hand-built world whose right answer is worked out by hand in the
test: the care start date in the funnel, pairs coordinated by an ASE service (D.221-36), funding and
costs by line, the Cotech pack's lists, a département's own indicators, the corrected-period marker, QPV
and rural communes. Period looked at: October 2026."""

import datetime

import pytest

from binome.mentorships.models import Coordination
from binome.steering.scope import Scope
from tests.mentors.factories import MentorFactory
from tests.steering.test_definitions import OCTOBER, moment, one, pair  # noqa: F401
from tests.youths.factories import YouthFactory

day = datetime.date


@pytest.fixture
def mentor(world):
    return MentorFactory(association=world["association"], in_pair=True)


def test_a_youth_taken_into_care_after_the_period_is_not_due(world):
    service = world["ase_service"]
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1))  # no care date: in care
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1), care_started_on=day(2026, 10, 31))
    YouthFactory(ase_service=service, birth_date=day(2012, 5, 1), care_started_on=day(2026, 11, 1))
    # Due on 31 October: the first two (the third entered care in November).
    assert one(Scope(departement=world["departement"]))["coverage_due"] == 2


def test_pairs_coordinated_by_an_ase_service_are_counted_apart(world, mentor):
    ase = {"coordination": Coordination.ASE_SERVICE}
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 10))  # followed, association
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 10), **ase)  # followed, ASE
    pair(world, mentor, validated=(2026, 9, 1), started=(2026, 9, 12), ended=(2026, 10, 2), **ase)  # ASE
    pair(world, mentor, validated=(2026, 10, 1), **ase)  # not launched: not followed
    pair(world, mentor, validated=(2026, 1, 1), started=(2026, 1, 10), ended=(2026, 9, 2), **ase)  # ended
    values = one(Scope(departement=world["departement"]))
    assert values["pairs_followed"] == 3
    assert values["pairs_ase_coordinated"] == 2
