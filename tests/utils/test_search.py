"""Searches forgive case, accents, spaces, hyphens and apostrophes, in SQL as in Python."""

import pytest
from django.urls import reverse

from binome.accounts.models import Role
from binome.utils.search import fold, search
from binome.youths.models import Youth
from tests.mentors.factories import MentorFactory
from tests.youths.factories import YouthFactory


@pytest.mark.parametrize(
    "text, folded",
    [("Le Bihan", "lebihan"), ("Maël", "mael"), ("LE-BIHAN", "lebihan"), ("N'Diaye", "ndiaye"),
     ("Élodie", "elodie"), ("Cœur", "coeur"), ("François", "francois"), ("", "")],
)  # fmt: skip
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.fixture
def youths(world):
    made = {
        name: YouthFactory(departement=world["departement"], ase_service=world["ase_service"], first_name=first, last_name=last)
        for name, first, last in [
            ("maël", "Maël", "Le Bihan"),
            ("ines", "Inès", "N'Diaye-Martin"),
            ("other", "Paul", "Durand"),
            ("francois", "François", "Lebihan"),
        ]
    }  # fmt: skip
    return made


@pytest.mark.parametrize(
    "terms, expected",
    [("mael", {"maël"}), ("MAËL", {"maël"}), ("le bihan", {"maël", "francois"}), ("lebihan", {"maël", "francois"}),
     ("Le-Bihan mael", {"maël"}), ("ndiaye", {"ines"}), ("n'diaye martin", {"ines"}), ("ines", {"ines"}),
     ("francois", {"francois"}), ("durant", set()), ("", {"maël", "ines", "other", "francois"})],
)  # fmt: skip
def test_search_in_sql_forgives_like_fold(youths, terms, expected):
    found = search(Youth.objects.all(), terms, "first_name", "last_name")
    assert {name for name, youth in youths.items() if youth in found} == expected


def test_the_youth_list_finds_le_bihan_whatever_is_typed(youths, member, client_for):
    client = client_for(member(Role.PILOT))
    url = reverse("youths:list")
    for typed in ("lebihan", "le bihan", "Le Bihan", "mael"):
        client.post(url, {"q": typed})
        html = client.get(url).content.decode()
        assert "Le Bihan" in html and "Durand" not in html, typed


def test_the_mentor_list_forgives_too(world, member, client_for):
    MentorFactory(association=world["association"], first_name="Hélène", last_name="Le Goff")
    MentorFactory(association=world["association"], first_name="Paul", last_name="Martin")
    client = client_for(member(Role.COORDINATOR))
    url = reverse("mentors:list")
    client.post(url, {"q": "helene legoff"})
    html = client.get(url).content.decode()
    assert "Le Goff" in html and "Martin" not in html


def test_the_pair_list_finds_a_pair_by_the_youth_or_the_mentor(world, member, client_for):
    from tests.mentorships.factories import validated_pair

    coordinator = member(Role.COORDINATOR)
    validated_pair(world, coordinator, first_name="Maël", last_name="Le Bihan")
    other = validated_pair(world, coordinator, first_name="Paul", last_name="Durand")
    client = client_for(coordinator)
    url = reverse("mentorships:portfolio")
    client.post(url, {"q": "mael lebihan"})
    html = client.get(url).content.decode()
    assert "Le Bihan" in html and "Durand" not in html
    client.post(url, {"q": other.mentor.last_name.upper()})
    html = client.get(url).content.decode()
    assert "Durand" in html and "Le Bihan" not in html
