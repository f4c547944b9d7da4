import pytest

from binome.territories.geo import commune_distance_km, distance_km
from binome.territories.models import Commune
from binome.territories.services import commune_centres, communes_load


def test_haversine_matches_known_distances():
    assert distance_km(47.2397, -1.5492, 47.2397, -1.5492) == 0
    # Nantes → Paris is about 343 km as the crow flies.
    assert 335 < distance_km(47.2184, -1.5536, 48.8566, 2.3522) < 350


@pytest.mark.django_db
def test_communes_are_loaded_with_their_centre():
    communes_load(departement_code="44")
    nantes = Commune.objects.get(insee_code="44109")
    saint_nazaire = Commune.objects.get(insee_code="44184")
    assert nantes.latitude == pytest.approx(47.24, abs=0.05)
    assert nantes.longitude == pytest.approx(-1.55, abs=0.05)
    assert 45 < commune_distance_km(nantes, saint_nazaire) < 60
    assert not Commune.objects.filter(departement_code="44", latitude__isnull=True).exists()


def test_a_new_commune_takes_a_former_communes_centre_or_its_departements_mean():
    rows = [
        {"code": "44109", "departement": "44"},
        {"code": "44184", "departement": "44"},
        {"code": "44998", "departement": "44", "anciensCodes": ["44109"]},
        {"code": "44999", "departement": "44"},
    ]
    centres = commune_centres(rows)
    assert centres["44998"] == centres["44109"]
    assert centres["44999"][0] == pytest.approx(
        (centres["44109"][0] + centres["44184"][0] + centres["44998"][0]) / 3
    )


def test_distance_is_unknown_without_a_centre():
    assert (
        commune_distance_km(Commune(latitude=None, longitude=None), Commune(latitude=47.0, longitude=-1.0))
        is None
    )
