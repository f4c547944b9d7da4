import pytest
from django.urls import reverse

from binome.accounts.models import Role
from binome.matching.models import Proposal, ProposalState
from binome.mentorships.models import Mentorship


@pytest.fixture
def coordinator_client(member, client_for):
    return client_for(member(Role.COORDINATOR))


def test_the_table_shows_waiting_youths_with_their_waiting_time_and_available_mentors(
    coordinator_client, waiting, available, world
):
    referral = waiting(first_name="Inès")
    available(first_name="Camille")
    available(first_name="Ailleurs", association=world["other_association"])

    page = coordinator_client.get(reverse("matching:table")).content.decode()

    assert "Inès" in page and "Camille" in page and "Ailleurs" not in page
    assert "0 jour" in page
    assert reverse("matching:youth_candidates", args=[referral.pk]) in page


def test_the_table_filters_by_modality(coordinator_client, waiting, available):
    waiting(first_name="Inès")
    available(first_name="Camille")
    available(first_name="Dominique", modality="remote")

    page = coordinator_client.get(reverse("matching:table"), {"modality": "remote"}).content.decode()

    assert "Dominique" in page and "Camille" not in page and "Inès" not in page


def test_the_ranked_list_explains_each_score(coordinator_client, waiting, available):
    referral = waiting()
    available(first_name="Proche")
    available(first_name="Lointaine", commune="reze")
    available(first_name="Horsrayon", commune="saint_nazaire", travel_km=5)

    page = coordinator_client.get(reverse("matching:youth_candidates", args=[referral.pk])).content.decode()

    assert page.index("Proche") < page.index("Lointaine")
    assert "Horsrayon" not in page
    assert "même commune" in page and "2 créneaux communs" in page
    assert "hors du rayon de déplacement du mentor (1)" in page


def test_another_associations_youth_is_not_found(coordinator_client, waiting, world):
    referral = waiting(association=world["other_association"])

    response = coordinator_client.get(reverse("matching:youth_candidates", args=[referral.pk]))

    assert response.status_code == 404


def test_a_coordinator_runs_the_batch_then_validates_a_proposal(coordinator_client, waiting, available):
    referral = waiting(first_name="Inès")
    available(first_name="Camille")

    response = coordinator_client.post(reverse("matching:batch_run"), follow=True)
    assert "1 binôme proposé pour 1 jeune en attente" in response.content.decode()
    proposal = Proposal.objects.get()

    response = coordinator_client.post(reverse("matching:proposal_accept", args=[proposal.pk]), follow=True)

    assert "Binôme validé" in response.content.decode()
    assert Mentorship.objects.get().youth == referral.youth
    table = coordinator_client.get(reverse("matching:table")).content.decode()
    assert "Inès" not in table


def test_rejecting_without_a_reason_keeps_the_page_and_says_why(coordinator_client, waiting, available):
    referral = waiting()
    mentor = available()
    coordinator_client.post(reverse("matching:propose", args=[referral.pk, mentor.pk]))
    proposal = Proposal.objects.get()

    response = coordinator_client.post(
        reverse("matching:proposal_reject", args=[proposal.pk]),
        {f"{proposal.pk}-reject_reason": "other", f"{proposal.pk}-reject_comment": ""},
    )

    assert response.status_code == 400
    assert "Précisez le motif." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING


def test_the_departement_sees_figures_without_names(member, client_for, waiting, available):
    waiting(first_name="Inès")
    available(first_name="Camille")
    pilot = client_for(member(Role.PILOT))

    page = pilot.get(reverse("matching:departement")).content.decode()
    response = pilot.post(reverse("matching:departement_run"), follow=True)

    assert "Association A" in page and "Inès" not in page and "Camille" not in page
    assert "1 binôme proposé sur 1 jeune en attente" in response.content.decode()
    assert Proposal.objects.pending().count() == 1


@pytest.mark.parametrize("role", [Role.REFERRER, Role.VIEWER])
def test_other_roles_cannot_use_the_matching_table(member, client_for, role):
    assert client_for(member(role)).get(reverse("matching:table")).status_code == 403


def test_only_a_manager_sets_the_weights(member, client_for):
    coordinator = client_for(member(Role.COORDINATOR))
    manager = client_for(member(Role.MANAGER))

    assert coordinator.get(reverse("matching:weights")).status_code == 403
    response = manager.post(
        reverse("matching:weights"),
        dict.fromkeys(
            ("distance", "availability", "objectives", "modality", "age_gap", "gender", "interests"), "2"
        )
        | {"languages": "12"},
    )
    assert response.status_code == 400
    assert "10" in response.content.decode()


def test_another_associations_proposal_cannot_be_decided(member, client_for, waiting, available, world):
    from binome.matching import services

    other_manager = member(Role.MANAGER, organisation=world["other_association"])
    referral = waiting()
    proposal = services.proposal_create(
        referral=referral, mentor=available(), by=other_manager, organisation=world["association"]
    )
    intruder = client_for(other_manager)

    assert intruder.post(reverse("matching:proposal_accept", args=[proposal.pk])).status_code == 404
    assert intruder.post(reverse("matching:proposal_reject", args=[proposal.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING
