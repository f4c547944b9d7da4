"""Who sees which mentor: the association its own (an ASE service its own too, art. D.221-36), the
département's pilot only for honorability checks."""

import pytest
from django.urls import reverse

from binome.accounts.models import Role
from binome.conventions.models import ConventionStatus
from binome.mentors.models import Mentor
from tests.accounts.factories import ConventionFactory
from tests.mentors.factories import MentorFactory, TrainingSessionFactory


@pytest.fixture
def mentor(world):
    return MentorFactory(association=world["association"], first_name="Hugo", last_name="Perrin")


def mentor_urls(mentor):
    return [
        reverse("mentors:detail", args=[mentor.pk]),
        reverse("mentors:edit", args=[mentor.pk]),
    ]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COORDINATOR])
def test_the_association_sees_its_mentor(world, member, client_for, mentor, role):
    response = client_for(member(role)).get(reverse("mentors:detail", args=[mentor.pk]))
    assert response.status_code == 200
    assert "Hugo Perrin" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COORDINATOR])
def test_another_association_gets_404_on_the_mentor(world, member, client_for, mentor, role):
    client = client_for(member(role, organisation=world["other_association"]))
    for url in mentor_urls(mentor):
        assert client.get(url).status_code == 404


def test_another_association_cannot_move_the_mentor(world, member, client_for, mentor):
    client = client_for(member(Role.MANAGER, organisation=world["other_association"]))
    response = client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": "interview_done"})
    assert response.status_code == 404
    mentor.refresh_from_db()
    assert mentor.stage == "candidate"


def test_another_association_does_not_list_the_mentor(world, member, client_for, mentor):
    client = client_for(member(Role.COORDINATOR, organisation=world["other_association"]))
    response = client.get(reverse("mentors:list"))
    assert list(response.context["page"]) == []
    assert "Perrin" not in response.content.decode()


def test_the_association_lists_its_mentor(world, member, client_for, mentor):
    client = client_for(member(Role.COORDINATOR))
    client.post(reverse("mentors:list"), {"q": "perr"})
    response = client.get(reverse("mentors:list"))
    assert list(response.context["page"]) == [mentor]


def test_a_viewer_is_forbidden(world, member, client_for, mentor):
    client = client_for(member(Role.VIEWER))
    for url in [reverse("mentors:list"), *mentor_urls(mentor), reverse("mentors:training_list")]:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": "interview_done"}).status_code == 403
    )


def test_a_referrer_reaches_the_pages_but_not_an_associations_mentor(world, member, client_for, mentor):
    """A referrer records her ASE service's own mentors (art. D.221-36, tests/mentors/test_service_mentors.py):
    the pages open, an association's mentor answers 404 and stays where it was."""
    client = client_for(member(Role.REFERRER))
    assert client.get(reverse("mentors:list")).status_code == 200
    assert client.get(reverse("mentors:training_list")).status_code == 200
    for url in mentor_urls(mentor):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": "interview_done"}).status_code == 404
    )
    mentor.refresh_from_db()
    assert mentor.stage == "candidate"


@pytest.mark.parametrize("role", [Role.REFERRER, Role.VIEWER, Role.MANAGER, Role.COORDINATOR])
def test_only_the_pilot_reaches_the_honorability_checks(world, member, client_for, mentor, role):
    client = client_for(member(role))
    assert client.get(reverse("mentors:check_list")).status_code == 403
    assert client.get(reverse("mentors:check_record", args=[mentor.pk])).status_code == 403


def test_the_pilot_has_no_access_to_the_mentor_list(world, member, client_for, mentor):
    client = client_for(member(Role.PILOT))
    assert client.get(reverse("mentors:list")).status_code == 403
    assert client.get(reverse("mentors:detail", args=[mentor.pk])).status_code == 403
    session = TrainingSessionFactory(association=world["association"])
    assert client.get(reverse("mentors:training_session", args=[session.pk])).status_code == 403


def test_an_anonymous_visitor_goes_to_the_login_page(world, client, mentor):
    response = client.get(reverse("mentors:detail", args=[mentor.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/comptes/")


def test_the_pilot_sees_only_the_mentors_of_associations_under_convention(world, member):
    mentor = MentorFactory(association=world["association"])
    MentorFactory(association=world["other_association"])
    pilot = member(Role.PILOT)
    membership = pilot.memberships.get()
    assert list(Mentor.objects.visible_to(membership)) == [mentor]


@pytest.mark.parametrize("role", [Role.REFERRER, Role.VIEWER])
def test_other_roles_see_no_mentor_at_all(world, member, role):
    MentorFactory(association=world["association"])
    assert not Mentor.objects.visible_to(member(role).memberships.get()).exists()


def test_a_draft_convention_gives_the_departement_no_reach(world, member, client_for):
    ConventionFactory(
        departement=world["departement"],
        association=world["other_association"],
        status=ConventionStatus.DRAFT,
    )
    mentor = MentorFactory(association=world["other_association"], vetting=True, trained=True)
    client = client_for(member(Role.PILOT))
    assert client.get(reverse("mentors:check_record", args=[mentor.pk])).status_code == 404
    partner = reverse("accounts:partner_detail", args=[world["other_association"].pk])
    assert client.get(partner).status_code == 404
