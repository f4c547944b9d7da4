"""The list of youths: a fixed number of queries, the status filters, the search."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.references.models import ReferenceKind
from binome.youths.models import ProposalOutcome, ReferralState
from tests.accounts.factories import AseServiceFactory
from tests.youths.factories import (
    ReferralFactory,
    TerritoryFactory,
    YouthFactory,
    reference,
    today,
    years_ago,
)

STATES = [None, ReferralState.DRAFT, ReferralState.SUBMITTED, ReferralState.ROUTED, ReferralState.ACCEPTED]


def make_youths(world, count, referrer, start=0):
    """Youths in every situation the list shows: with or without level, territory, referrer, referral."""
    territory = TerritoryFactory(departement=world["departement"], name=f"Territoire {start}")
    level = reference(world["departement"], ReferenceKind.SCHOOL_LEVEL, "6e")
    for i in range(start, start + count):
        state = STATES[i % len(STATES)]
        youth = YouthFactory(
            ase_service=world["ase_service"],
            ready=state is not None,
            school_level=level if i % 2 else None,
            territory=territory if i % 3 else None,
            referrer=referrer if i % 2 else None,
            birth_date=years_ago(10 if i % 4 == 0 else 15),
        )
        if state is not None:
            association = (
                world["association"] if state in (ReferralState.ROUTED, ReferralState.ACCEPTED) else None
            )
            ReferralFactory(youth=youth, state=state, association=association)


def names_in(response):
    return {(y.first_name, y.last_name) for y in response.context["page"]}


def test_the_list_costs_the_same_queries_for_5_or_40_youths(
    world, member, client_for, django_assert_max_num_queries
):
    referrer = member(Role.REFERRER)
    client = client_for(referrer)
    client.get(reverse("youths:list"))  # sessions and caches warmed up
    make_youths(world, 5, referrer)
    with django_assert_max_num_queries(15) as few:
        response = client.get(reverse("youths:list"))
    assert response.context["page"].paginator.count == 5
    make_youths(world, 35, referrer, start=5)
    with django_assert_max_num_queries(15) as many:
        response = client.get(reverse("youths:list"))
    assert response.context["page"].paginator.count == 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_referrer_lists_only_the_youths_of_their_service(world, member, client_for):
    mine = YouthFactory(ase_service=world["ase_service"])
    YouthFactory(ase_service=AseServiceFactory(departement=world["departement"]))
    YouthFactory(ase_service=world["other_ase_service"])
    response = client_for(member(Role.REFERRER)).get(reverse("youths:list"))
    assert names_in(response) == {(mine.first_name, mine.last_name)}


def test_a_pilot_lists_the_youths_of_the_departement(world, member, client_for):
    YouthFactory(ase_service=world["ase_service"])
    YouthFactory(ase_service=AseServiceFactory(departement=world["departement"]))
    YouthFactory(ase_service=world["other_ase_service"])
    response = client_for(member(Role.PILOT)).get(reverse("youths:list"))
    assert response.context["page"].paginator.count == 2


def test_status_to_propose_lists_eligible_youths_not_yet_proposed(world, member, client_for):
    service = world["ase_service"]
    to_propose = YouthFactory(ase_service=service, first_name="Apolline", birth_date=years_ago(12))
    entering_college = YouthFactory(
        ase_service=service,
        first_name="Basile",
        birth_date=years_ago(10),
        school_level=reference(world["departement"], ReferenceKind.SCHOOL_LEVEL, "6e"),
    )
    postponed_until_now = YouthFactory(
        ase_service=service,
        first_name="Capucine",
        proposal_outcome=ProposalOutcome.POSTPONED,
        proposal_date=today() - datetime.timedelta(days=90),
        proposal_postponed_until=today(),
    )
    YouthFactory(ase_service=service, first_name="Dorian", proposal_accepted=True)
    YouthFactory(ase_service=service, first_name="Eloïse", birth_date=years_ago(10))  # too young, in CM2
    YouthFactory(ase_service=service, first_name="Firmin", young_adult=True, birth_date=years_ago(21))
    YouthFactory(
        ase_service=service,
        first_name="Gaspard",
        proposal_outcome=ProposalOutcome.POSTPONED,
        proposal_date=today(),
        proposal_postponed_until=today() + datetime.timedelta(days=30),
    )
    YouthFactory(ase_service=service, first_name="Hugo", archived_at=timezone.now())
    response = client_for(member(Role.REFERRER)).get(reverse("youths:list"), {"status": "to_propose"})
    assert {y.first_name for y in response.context["page"]} == {
        to_propose.first_name,
        entering_college.first_name,
        postponed_until_now.first_name,
    }
    assert response.context["counts"]["to_propose"] == 3
    assert "Mentorat à proposer" in response.content.decode()


@pytest.mark.parametrize("query", ["lefèv", "LEF", "manon", "Manon Lef"])
def test_search_by_first_or_last_name(world, member, client_for, query):
    YouthFactory(ase_service=world["ase_service"], first_name="Manon", last_name="Lefèvre")
    YouthFactory(ase_service=world["ase_service"], first_name="Théo", last_name="Garnier")
    client = client_for(member(Role.REFERRER))
    assert client.post(reverse("youths:list"), {"q": query}).status_code == 302
    response = client.get(reverse("youths:list"))
    assert names_in(response) == {("Manon", "Lefèvre")}


def test_search_without_match_says_so(world, member, client_for):
    YouthFactory(ase_service=world["ase_service"], first_name="Manon", last_name="Lefèvre")
    client = client_for(member(Role.REFERRER))
    client.post(reverse("youths:list"), {"q": "Dupuis"})
    response = client.get(reverse("youths:list"))
    assert names_in(response) == set()
    assert "Aucun jeune ne correspond." in response.content.decode()


def test_archived_youths_are_hidden_unless_asked_for(world, member, client_for):
    YouthFactory(ase_service=world["ase_service"], first_name="Manon")
    YouthFactory(ase_service=world["ase_service"], first_name="Théo", archived_at=timezone.now())
    client = client_for(member(Role.REFERRER))
    assert {y.first_name for y in client.get(reverse("youths:list")).context["page"]} == {"Manon"}
    archived = client.get(reverse("youths:list"), {"status": "archived"})
    assert {y.first_name for y in archived.context["page"]} == {"Théo"}


def test_mine_shows_only_the_youths_i_follow(world, member, client_for):
    referrer = member(Role.REFERRER)
    YouthFactory(ase_service=world["ase_service"], first_name="Manon", referrer=referrer)
    YouthFactory(ase_service=world["ase_service"], first_name="Théo", referrer=member(Role.REFERRER))
    response = client_for(referrer).get(reverse("youths:list"), {"mine": "on"})
    assert {y.first_name for y in response.context["page"]} == {"Manon"}


def test_status_waiting_lists_referrals_in_progress(world, member, client_for):
    ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], first_name="Manon"), submitted=True)
    ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], first_name="Théo"))
    response = client_for(member(Role.REFERRER)).get(reverse("youths:list"), {"status": "waiting"})
    assert {y.first_name for y in response.context["page"]} == {"Manon"}


def test_each_row_shows_the_next_step(world, member, client_for):
    YouthFactory(ase_service=world["ase_service"], proposal_accepted=True, assessed=True)
    page = client_for(member(Role.REFERRER)).get(reverse("youths:list")).content.decode()
    assert "Consentements à recueillir" in page


def test_a_name_search_never_appears_in_the_address(world, member, client_for):
    client = client_for(member(Role.REFERRER))
    response = client.post(reverse("youths:list"), {"q": "Dupuis"})
    assert response.status_code == 302 and "Dupuis" not in response["Location"]
