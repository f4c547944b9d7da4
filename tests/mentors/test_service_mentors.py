"""Art. D.221-36: an ASE service coordinating pairs failing an association records and follows its own
mentors through the same pages as an association; the département's pilot checks their honorability
(art. D.221-39); another service and the associations never see them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentors.models import HonorabilityCheck, Mentor, MentorStage
from binome.youths.ase_coordination import referral_route_to_service
from tests.accounts.factories import AseServiceFactory
from tests.mentors.factories import MentorFactory, TrainingSessionFactory
from tests.mentors.test_application import application
from tests.youths.factories import CommuneFactory, ReferralFactory, YouthFactory


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


@pytest.fixture
def service_mentor(world):
    return MentorFactory(association=world["ase_service"], first_name="Nadia", last_name="Bertin")


def test_a_referrer_records_a_mentor_the_pilot_vets_and_the_service_pairs(
    world, member, referrer, client_for
):
    service, commune = world["ase_service"], CommuneFactory(insee_code="44109", name="Nantes")
    client = client_for(referrer)

    # The referrer records the mentor for her service, through the associations' form.
    # The public application's fields (its anti-spam ones are ignored here), with a birthplace for the B2.
    data = application(commune, first_name="Nadia", last_name="Bertin", birth_place="Angers")
    response = client.post(reverse("mentors:create"), data)
    assert response.status_code == 302
    mentor = Mentor.objects.get(last_name="Bertin")
    assert (mentor.association, mentor.stage) == (service, MentorStage.CANDIDATE)
    assert mentor.events.filter(detail="Fiche créée par le service ASE").exists()

    # She follows the steps that apply: interview, training (a session of the service), vetting.
    for stage in ("interview_done", "training"):
        response = client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": stage})
        assert response.status_code == 302, stage
    session = TrainingSessionFactory(
        association=service, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.post(
        reverse("mentors:training_session", args=[session.pk]), {"register": "1", "mentor": mentor.pk}
    )
    client.post(reverse("mentors:training_session", args=[session.pk]), {"attended": [str(mentor.pk)]})
    mentor.refresh_from_db()
    assert mentor.training_complete
    assert client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": "vetting"}).status_code == 302

    # Not ready without the département's check: the service cannot vouch for its own mentor.
    response = client.post(reverse("mentors:move", args=[mentor.pk]), {"stage": "ready"})
    assert response.status_code == 422
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING

    # The pilot finds the mentor in the honorability list, requests then records the check.
    pilot_user = member(Role.PILOT)
    pilot = client_for(pilot_user)
    assert "Bertin" in pilot.get(reverse("mentors:check_list")).content.decode()
    url = reverse("mentors:check_record", args=[mentor.pk])
    today = timezone.localdate()
    assert pilot.post(url, {"requested_on": today.isoformat()}).status_code == 302
    assert pilot.post(url, {"result": "compliant", "result_on": today.isoformat()}).status_code == 302
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY
    assert HonorabilityCheck.objects.get(mentor=mentor).departement == world["departement"]

    # A youth the département gives to the service can now be paired with her.
    referral = ReferralFactory(youth=YouthFactory(ready=True, ase_service=service), submitted=True)
    referral_route_to_service(referral=referral, by=pilot_user, organisation=world["departement"])
    response = client.get(reverse("mentorships:service_pairing"))
    assert response.status_code == 200
    assert list(response.context["mentors"]) == [mentor]
    assert reverse("mentors:detail", args=[mentor.pk]) in response.content.decode()


def test_the_referrer_lists_only_her_services_mentors(world, referrer, client_for, service_mentor):
    MentorFactory(association=world["association"], last_name="Associatif")
    response = client_for(referrer).get(reverse("mentors:list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [service_mentor]
    page = response.content.decode()
    assert "Mentors du service" in page
    assert "/candidater/" not in page  # a service has no public application form


def test_another_services_referrer_gets_404_on_the_mentor(world, member, client_for, service_mentor):
    other_service = AseServiceFactory(departement=world["departement"], name="Service ASE Sud")
    client = client_for(member(Role.REFERRER, organisation=other_service))
    for url in (
        reverse("mentors:detail", args=[service_mentor.pk]),
        reverse("mentors:edit", args=[service_mentor.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("mentors:move", args=[service_mentor.pk]), {"stage": "interview_done"})
    assert response.status_code == 404
    assert list(client.get(reverse("mentors:list")).context["page"]) == []


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COORDINATOR])
def test_an_association_cannot_see_the_services_mentor(world, member, client_for, service_mentor, role):
    client = client_for(member(role))
    assert client.get(reverse("mentors:detail", args=[service_mentor.pk])).status_code == 404
    assert "Bertin" not in client.get(reverse("mentors:list")).content.decode()


def test_the_referrer_cannot_reach_an_associations_mentor(world, referrer, client_for):
    mentor = MentorFactory(association=world["association"])
    client = client_for(referrer)
    assert client.get(reverse("mentors:detail", args=[mentor.pk])).status_code == 404
    session = TrainingSessionFactory(association=world["association"])
    assert client.get(reverse("mentors:training_session", args=[session.pk])).status_code == 404


def test_the_pilot_of_another_departement_does_not_check_the_services_mentor(
    world, member, client_for, service_mentor
):
    client = client_for(member(Role.PILOT, organisation=world["other_departement"]))
    assert client.get(reverse("mentors:check_record", args=[service_mentor.pk])).status_code == 404


def test_the_referrers_home_page_counts_her_services_new_candidates(
    world, referrer, client_for, service_mentor
):
    MentorFactory(association=world["association"])  # an association's candidate is not hers
    page = client_for(referrer).get("/").content.decode()
    assert "Nouvelles candidatures" in page
    assert reverse("mentors:list") + "?stage=candidate" in page
