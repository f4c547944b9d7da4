import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from binome.matching import services
from binome.matching.models import Proposal, ProposalState
from binome.mentors.models import MentorStage
from binome.mentorships.models import Mentorship, MentorshipState
from binome.youths.models import ReferralState
from binome.youths.services import consent_withdraw


@pytest.fixture
def coordinator(member):
    from binome.accounts.models import Role

    return member(Role.COORDINATOR)


def run_batch(world, coordinator):
    return services.batch_propose(associations=[world["association"]], by=coordinator)


def test_the_batch_places_as_many_youths_as_the_places_allow(world, waiting, available, coordinator):
    for _ in range(3):
        waiting()
    available(capacity=2)
    available(commune="reze", capacity=1)

    batch = run_batch(world, coordinator)

    assert (batch.n_youths, batch.n_mentors, batch.matched, batch.optimal) == (3, 2, 3, True)
    proposals = Proposal.objects.pending()
    assert proposals.count() == 3
    assert {p.state for p in proposals} == {ProposalState.PENDING}
    assert all(p.breakdown and p.score > 0 for p in proposals)
    labels = [row[3] for p in proposals for row in p.breakdown]
    assert "même commune" in labels and "2 créneaux communs" in labels


def test_far_mentors_and_mentors_of_another_association_are_never_proposed(
    world, waiting, available, coordinator
):
    waiting(commune="nantes")
    available(commune="saint_nazaire", travel_km=10)  # 50 km away
    available(association=world["other_association"])

    batch = run_batch(world, coordinator)

    assert batch.matched == 0
    assert not Proposal.objects.exists()


def test_accepting_creates_the_pair_and_takes_the_youth_off_the_waiting_list(
    world, waiting, available, coordinator
):
    referral = waiting()
    mentor = available()
    run_batch(world, coordinator)
    proposal = Proposal.objects.get()

    pair = services.proposal_accept(proposal=proposal, by=coordinator, organisation=world["association"])

    referral.refresh_from_db()
    mentor.refresh_from_db()
    assert pair.state == MentorshipState.AGREEMENT
    assert (pair.youth, pair.mentor, pair.association) == (referral.youth, mentor, world["association"])
    assert referral.state == ReferralState.MATCHED
    assert (mentor.stage, mentor.current_pairs) == (MentorStage.IN_PAIR, 1)
    assert pair.referral_accepted_at == referral.accepted_at
    assert pair.proposed_at == proposal.proposed_at <= pair.validated_at
    assert pair.days_to_propose == 0
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.decided_by == coordinator


def test_a_rejected_pair_is_never_proposed_again_and_the_rest_is_recomputed(
    world, waiting, available, coordinator
):
    waiting()
    near = available(commune="nantes")
    other = available(commune="reze")
    run_batch(world, coordinator)
    first = Proposal.objects.pending().get()
    assert first.mentor == near  # same commune scores higher

    services.proposal_reject(
        proposal=first, by=coordinator, organisation=world["association"], reason="youth_wish"
    )
    run_batch(world, coordinator)

    second = Proposal.objects.pending().get()
    assert second.mentor == other
    first.refresh_from_db()
    assert first.state == ProposalState.REJECTED


def test_recomputing_replaces_pending_proposals(world, waiting, available, coordinator):
    waiting()
    available()
    run_batch(world, coordinator)
    waiting()
    available(commune="reze")

    second = run_batch(world, coordinator)

    assert Proposal.objects.pending().count() == 2
    assert set(Proposal.objects.pending().values_list("batch", flat=True)) == {second.pk}


def test_rejecting_for_another_reason_needs_a_comment(world, waiting, available, coordinator):
    waiting()
    available()
    run_batch(world, coordinator)

    with pytest.raises(ValidationError) as error:
        services.proposal_reject(
            proposal=Proposal.objects.get(), by=coordinator, organisation=world["association"], reason="other"
        )
    assert "Précisez le motif." in error.value.messages


def test_the_second_coordinator_taking_the_last_place_is_told_why(world, waiting, available, coordinator):
    mentor = available(capacity=1)
    first, second = waiting(), waiting()
    a = services.proposal_create(
        referral=first, mentor=mentor, by=coordinator, organisation=world["association"]
    )
    b = services.proposal_create(
        referral=second, mentor=mentor, by=coordinator, organisation=world["association"]
    )
    services.proposal_accept(proposal=a, by=coordinator, organisation=world["association"])

    with pytest.raises(ValidationError) as error:
        services.proposal_accept(proposal=b, by=coordinator, organisation=world["association"])

    assert "n'est plus valable" in error.value.messages[0]
    second.refresh_from_db()
    assert second.state == ReferralState.ACCEPTED
    assert Mentorship.objects.count() == 1


def test_a_withdrawn_consent_blocks_the_validation(world, waiting, available, coordinator):
    referral = waiting()
    proposal = services.proposal_create(
        referral=referral, mentor=available(), by=coordinator, organisation=world["association"]
    )
    consent_withdraw(
        consent=referral.youth.consents.first(), by=coordinator, organisation=world["association"]
    )
    referral.refresh_from_db()
    proposal.refresh_from_db()

    with pytest.raises(ValidationError):
        services.proposal_accept(proposal=proposal, by=coordinator, organisation=world["association"])
    assert not Mentorship.objects.exists()


def test_a_pair_breaking_a_rule_cannot_be_proposed_by_hand(world, waiting, available, coordinator):
    referral = waiting(mentor_gender_preference="f")

    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            referral=referral, mentor=available(gender="m"), by=coordinator, organisation=world["association"]
        )

    assert "autre genre" in error.value.messages[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_the_same_moment_exactly_one_gets_the_last_place(
    e2e_world, communes, django_db_blocker
):
    from binome.accounts.models import Role
    from tests.accounts.factories import MembershipFactory, UserFactory
    from tests.mentors.factories import MentorFactory
    from tests.youths.factories import ReferralFactory, YouthFactory

    association = e2e_world["association"]
    users = [UserFactory() for _ in range(2)]
    for user in users:
        MembershipFactory(user=user, organisation=association, role=Role.COORDINATOR)
    mentor = MentorFactory(ready=True, association=association, commune=communes["nantes"], capacity=1)
    proposals = []
    for _ in range(2):
        youth = YouthFactory(ready=True, ase_service=e2e_world["ase_service"], commune=communes["nantes"])
        referral = ReferralFactory(youth=youth, accepted=True, association=association)
        proposals.append(
            services.proposal_create(referral=referral, mentor=mentor, by=users[0], organisation=association)
        )
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(proposal, user):
        barrier.wait()
        try:
            services.proposal_accept(proposal=proposal, by=user, organisation=association)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(proposals, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    refused = next(o for o in outcomes if o != "ok")
    assert "plus de place" in refused or "n'est plus valable" in refused
    mentor.refresh_from_db()
    assert mentor.current_pairs == 1
    assert Mentorship.objects.count() == 1


def test_a_youth_whose_assessment_expired_is_left_out_of_the_calculation(
    world, waiting, available, coordinator
):
    from tests.youths.factories import years_ago

    stale = waiting()
    stale.youth.assessment_date = years_ago(1, days=2)
    stale.youth.save(update_fields=["assessment_date"])
    fresh = waiting()
    available(capacity=2)

    batch = run_batch(world, coordinator)

    assert batch.n_youths == 1
    assert list(Proposal.objects.pending().values_list("youth", flat=True)) == [fresh.youth_id]
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            referral=stale, mentor=available(), by=coordinator, organisation=world["association"]
        )
    assert "évaluation" in error.value.messages[0]


def test_a_calculation_keeps_the_pairs_proposed_by_hand_and_their_places(
    world, waiting, available, coordinator
):
    by_hand, other = waiting(), waiting()
    mentor = available(capacity=1)
    kept = services.proposal_create(
        referral=by_hand, mentor=mentor, by=coordinator, organisation=world["association"]
    )

    batch = run_batch(world, coordinator)

    kept.refresh_from_db()
    assert kept.state == ProposalState.PENDING and kept.batch is None
    assert (batch.n_youths, batch.n_held, batch.matched) == (1, 1, 0)  # the only place is held
    assert not Proposal.objects.filter(youth=other.youth).exists()


def test_a_withdrawn_referral_takes_its_proposals_off_the_list(world, waiting, available, coordinator):
    from binome.youths.services import referral_withdraw

    referral = waiting()
    proposal = services.proposal_create(
        referral=referral, mentor=available(), by=coordinator, organisation=world["association"]
    )

    referral_withdraw(referral=referral, by=coordinator, organisation=world["association"])

    assert not Proposal.objects.pending().exists()
    with pytest.raises(ValidationError) as error:
        services.proposal_accept(proposal=proposal, by=coordinator, organisation=world["association"])
    assert "orientation du jeune a été retirée" in error.value.messages[0]


def test_accepting_checks_the_pair_rules_again(world, waiting, available, coordinator):
    referral = waiting()
    proposal = services.proposal_create(
        referral=referral, mentor=available(gender="m"), by=coordinator, organisation=world["association"]
    )
    referral.youth.mentor_gender_preference = "f"
    referral.youth.save(update_fields=["mentor_gender_preference"])

    with pytest.raises(ValidationError) as error:
        services.proposal_accept(proposal=proposal, by=coordinator, organisation=world["association"])

    assert "autre genre" in error.value.messages[0]
    assert not Mentorship.objects.exists()


def test_time_to_match_counts_from_the_latest_proposal(world, waiting, available, coordinator):
    import datetime

    from django.utils import timezone

    waiting()
    available()
    run_batch(world, coordinator)
    Proposal.objects.update(proposed_at=timezone.now() - datetime.timedelta(days=40))
    run_batch(world, coordinator)  # proposed again today
    proposal = Proposal.objects.pending().get()

    pair = services.proposal_accept(proposal=proposal, by=coordinator, organisation=world["association"])

    assert timezone.now() - pair.proposed_at < datetime.timedelta(minutes=5)
