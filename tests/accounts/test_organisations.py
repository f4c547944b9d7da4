import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.accounts.models import Membership, Organisation, OrganisationKind, Role
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
