from django.urls import reverse

from binome.accounts.models import Role
from binome.territories.models import Commune, Territory


def test_pilot_groups_communes_into_a_territory(member, client_for, world):
    nantes = Commune.objects.create(insee_code="44109", name="Nantes", departement_code="44")
    reze = Commune.objects.create(insee_code="44143", name="Rezé", departement_code="44")
    Commune.objects.create(insee_code="85191", name="La Roche-sur-Yon", departement_code="85")
    client = client_for(member(Role.PILOT))
    form_page = client.get(reverse("territories:create")).content.decode()
    assert "Rezé" in form_page and "La Roche-sur-Yon" not in form_page
    response = client.post(
        reverse("territories:create"), {"name": "Agglomération nantaise", "communes": [nantes.pk, reze.pk]}
    )
    assert response.status_code == 302
    territory = Territory.objects.get(name="Agglomération nantaise")
    assert territory.departement == world["departement"]
    assert set(territory.communes.values_list("name", flat=True)) == {"Nantes", "Rezé"}
    listing = client.get(reverse("territories:list")).content.decode()
    assert "Agglomération nantaise" in listing and "Toutes les communes sont couvertes" in listing


def test_duplicate_name_is_refused_in_french(member, client_for, world):
    Territory.objects.create(departement=world["departement"], name="Nord")
    response = client_for(member(Role.PILOT)).post(reverse("territories:create"), {"name": "nord"})
    assert response.status_code == 422
    assert "Un territoire porte déjà ce nom." in response.content.decode()


def test_another_departements_territory_is_a_404(member, client_for, world):
    other = Territory.objects.create(departement=world["other_departement"], name="Vendée Nord")
    response = client_for(member(Role.PILOT)).get(
        reverse("territories:edit", kwargs={"territory_id": other.pk})
    )
    assert response.status_code == 404
