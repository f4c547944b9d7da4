import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.accounts.models import Convention, KeyIndicator, Membership, Organisation, OrganisationKind, Role
from tests.accounts.factories import ConventionFactory, MembershipFactory


def test_ase_service_must_belong_to_a_departement(db):
    service = Organisation(kind=OrganisationKind.ASE_SERVICE, name="Service orphelin")
    with pytest.raises(ValidationError):
        service.full_clean()


def test_role_must_fit_the_kind_of_organisation(world, member):
    user = member(Role.PILOT)
    membership = Membership(user=user, organisation=world["association"], role=Role.PILOT)
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_an_association_can_work_for_several_departements(world):
    ConventionFactory(departement=world["other_departement"], association=world["association"])
    assert set(world["association"].departements()) == {world["departement"], world["other_departement"]}


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
    page = client.get(reverse("accounts:convention_list")).content.decode()
    assert "Association A" in page and "Association B" not in page
    other = Convention.objects.get(departement=world["other_departement"])
    assert (
        client.get(reverse("accounts:convention_detail", kwargs={"convention_id": other.pk})).status_code
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
        client.get(reverse("accounts:convention_detail", kwargs={"convention_id": own.pk})).status_code == 200
    )
    assert (
        client.get(reverse("accounts:convention_detail", kwargs={"convention_id": other.pk})).status_code
        == 404
    )


def test_pilot_creates_a_convention_with_key_indicators(member, client_for, world):
    client = client_for(member(Role.PILOT))
    new_association = Organisation.objects.create(kind=OrganisationKind.ASSOCIATION, name="Nouvelle asso")
    response = client.post(
        reverse("accounts:convention_create"),
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
        reverse("accounts:convention_create"),
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


def test_pilot_creates_an_ase_service(member, client_for, world):
    client = client_for(member(Role.PILOT))
    response = client.post(reverse("accounts:ase_service_create"), {"name": "MECS Les Pins"})
    service = Organisation.objects.get(name="MECS Les Pins")
    assert service.departement == world["departement"] and service.is_ase_service
    assert response["Location"] == reverse("accounts:partner_detail", kwargs={"organisation_id": service.pk})


def test_switching_organisation(world, member, client_for):
    user = member(Role.COORDINATOR)
    MembershipFactory(user=user, organisation=world["other_association"], role=Role.MANAGER)
    client = client_for(user)
    assert "Association A" in client.get(reverse("accounts:members")).content.decode()
    target = user.memberships.get(organisation=world["other_association"])
    client.post(reverse("accounts:organisation_switch"), {"membership": target.pk})
    page = client.get(reverse("accounts:members")).content.decode()
    assert "Équipe — Association B" in page
    # as manager there, invitations are open; as coordinator they were not
    assert client.get(reverse("accounts:members")).context["invite_form"] is not None


def test_cannot_switch_to_someone_elses_membership(world, member, client_for):
    user = member(Role.COORDINATOR)
    stranger = member(Role.MANAGER, organisation=world["other_association"]).memberships.get()
    response = client_for(user).post(reverse("accounts:organisation_switch"), {"membership": stranger.pk})
    assert response.status_code == 404


def test_user_without_membership_sees_an_explanation(db, client_for):
    from tests.accounts.factories import UserFactory

    page = client_for(UserFactory(with_totp=True)).get(reverse("home")).content.decode()
    assert "aucune organisation active" in page


def test_members_list_has_a_fixed_number_of_queries(member, client_for, django_assert_max_num_queries):
    user = member(Role.MANAGER)
    for _ in range(15):
        member(Role.COORDINATOR)
    client = client_for(user)
    client.get(reverse("accounts:members"))
    with django_assert_max_num_queries(16):
        client.get(reverse("accounts:members"))
