"""Organisation searches forgive case, accents, spaces and hyphens (utils.search, issue 15): the pilot's
« Ajouter une association » and the platform administrator's list of organisations."""

import pytest
from django.urls import reverse

from binome.accounts.models import Role
from tests.accounts.factories import AssociationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def associations(world):
    return {
        "ecole": AssociationFactory(name="École du Mentorat Ligérien"),
        "bihan": AssociationFactory(name="Le Bihan-Solidarité"),
        "other": AssociationFactory(name="Tremplin Atlantique"),
    }


def found(client, url_name, terms) -> str:
    """Posts the words (they never travel in the URL), then reads the list shown again."""
    response = client.post(reverse(url_name), {"q": terms})
    assert response.status_code == 302 and terms not in response.url
    return client.get(response.url).content.decode()


@pytest.mark.parametrize("terms", ["ecole", "ECOLE mentorat", "mentorat école", "ligerien"])
def test_the_pilot_finds_an_association_without_its_accents_or_capitals(
    terms, associations, member, client_for
):
    page = found(client_for(member(Role.PILOT)), "accounts:association_find", terms)
    assert "École du Mentorat Ligérien" in page.replace("&#x27;", "'")
    assert "Tremplin Atlantique" not in page


@pytest.mark.parametrize("terms", ["le bihan", "lebihan", "LE-BIHAN solidarite"])
def test_the_pilot_finds_a_name_whatever_its_spaces_and_hyphens(terms, associations, member, client_for):
    page = found(client_for(member(Role.PILOT)), "accounts:association_find", terms)
    assert "Le Bihan-Solidarité" in page
    assert "École du Mentorat" not in page


def test_a_search_that_matches_nothing_says_so(associations, member, client_for):
    page = found(client_for(member(Role.PILOT)), "accounts:association_find", "ecole lyon")
    assert "École du Mentorat" not in page and "Tremplin Atlantique" not in page
    assert "Aucune association ne correspond à « ecole lyon »" in page


def test_a_search_without_a_word_finds_nothing_rather_than_everything(associations, member, client_for):
    page = found(client_for(member(Role.PILOT)), "accounts:association_find", "- - -")
    assert "École du Mentorat" not in page and "Tremplin Atlantique" not in page
    assert "Aucune association ne correspond" in page


def test_the_administrator_finds_organisations_without_accents(associations, world, client_for):
    admin = UserFactory(with_totp=True, is_staff=True, is_superuser=True)
    page = found(client_for(admin), "accounts:platform_organisations", "ecole")
    assert "École du Mentorat Ligérien" in page
    assert "Tremplin Atlantique" not in page and "Département A" not in page
    # The INSEE code of a département still finds it.
    page = found(client_for(admin), "accounts:platform_organisations", "85")
    assert "Département B" in page and "Département A" not in page
