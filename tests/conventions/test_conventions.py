"""Conventions: which are in force, who sees them, and the pilot's form."""

import datetime

from django.urls import reverse

from binome.accounts.models import Organisation, OrganisationKind, Role
from binome.conventions.models import Convention, KeyIndicator
from tests.accounts.factories import ConventionFactory
from tests.conventions.capacity import capacity_fields


def test_current_conventions(world):
    today = datetime.date.today()
    old = ConventionFactory(
        departement=world["departement"],
        start_date=today.replace(year=today.year - 3),
        end_date=today.replace(year=today.year - 2),
    )
    current = Convention.objects.current().filter(departement=world["departement"])
    assert old not in current and current.count() == 1


def test_pilot_sees_only_own_conventions_and_partners(member, client_for, world):
    client = client_for(member(Role.PILOT))
    page = client.get(reverse("conventions:convention_list")).content.decode()
    assert "Association A" in page and "Association B" not in page
    other = Convention.objects.get(departement=world["other_departement"])
    assert (
        client.get(reverse("conventions:convention_detail", kwargs={"convention_id": other.pk})).status_code
        == 404
    )
    partners = client.get(reverse("accounts:partner_list")).content.decode()
    assert "Service ASE A" in partners and "Service ASE B" not in partners
    url = reverse("accounts:partner_detail", kwargs={"organisation_id": world["other_ase_service"].pk})
    assert client.get(url).status_code == 404


def test_association_manager_sees_its_conventions_only(member, client_for, world):
    client = client_for(member(Role.MANAGER))
    own = Convention.objects.get(association=world["association"])
    other = Convention.objects.get(association=world["other_association"])
    assert (
        client.get(reverse("conventions:convention_detail", kwargs={"convention_id": own.pk})).status_code
        == 200
    )
    assert (
        client.get(reverse("conventions:convention_detail", kwargs={"convention_id": other.pk})).status_code
        == 404
    )


def test_pilot_creates_a_convention_with_key_indicators(member, client_for, world):
    client = client_for(member(Role.PILOT))
    new_association = Organisation.objects.create(kind=OrganisationKind.ASSOCIATION, name="Nouvelle asso")
    response = client.post(
        reverse("conventions:convention_create"),
        {
            "association": new_association.pk,
            "status": "active",
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "youth_target": "30",
            "key_indicators": [KeyIndicator.SELF_CONFIDENCE, KeyIndicator.GRADES],
            "reporting_frequency": "monthly",
            "reporting_day": "5",
            "age_min": "11",
            "age_max": "20",
            "modalities": ["in_person", "hybrid"],
            **capacity_fields(),
        },
    )
    assert response.status_code == 302
    convention = Convention.objects.get(association=new_association)
    assert convention.departement == world["departement"]
    assert convention.key_indicators == ["self_confidence", "grades"]
    assert convention.modalities == ["in_person", "hybrid"]


def test_convention_errors_are_french_and_keep_input(member, client_for, world):
    client = client_for(member(Role.PILOT))
    response = client.post(
        reverse("conventions:convention_create"),
        {
            "association": world["association"].pk,
            "status": "active",
            "start_date": "2026-06-01",
            "end_date": "2026-01-01",
            "reference": "REF-TEST",
            "key_indicators": list(KeyIndicator.values)[:6],
            "reporting_frequency": "monthly",
            "reporting_day": "5",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "La fin de la convention doit suivre son début." in html
    assert "au plus 5 indicateurs" in html
    assert 'value="REF-TEST"' in html
