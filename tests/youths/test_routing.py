"""routing.suggestions: the convention's scope (territory, objectives, age, modality) and capacity decide."""

import pytest

from binome.conventions.models import Convention, ConventionStatus
from binome.mentorships.models import Mentorship, MentorshipState
from binome.references.models import ReferenceKind
from binome.utils.choices import Modality
from binome.youths.models import ReferralState
from binome.youths.routing import best_association, suggestions
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.mentors.factories import MentorFactory
from tests.youths.factories import ReferralFactory, TerritoryFactory, YouthFactory, reference, years_ago


@pytest.fixture
def convention(world):
    """The world's association, under a current convention with no scope yet: it covers everything."""
    return Convention.objects.get(association=world["association"], departement=world["departement"])


def objective(world, code):
    return reference(world["departement"], ReferenceKind.OBJECTIVE, code)


def referral_for(world, **youth_kwargs):
    youth = YouthFactory(ase_service=world["ase_service"], ready=True, **youth_kwargs)
    return ReferralFactory(youth=youth, submitted=True)


def only(referral):
    [suggestion] = suggestions(referral)
    return suggestion


def test_a_convention_without_scope_fits_any_youth(world, convention):
    suggestion = only(referral_for(world))
    assert suggestion.fits
    assert suggestion.association == world["association"]
    assert suggestion.reasons == ["couvre tout le département"]


def test_only_current_conventions_of_the_departement_are_suggested(world, convention):
    ConventionFactory(departement=world["departement"], status=ConventionStatus.DRAFT)
    ConventionFactory(departement=world["departement"], association=AssociationFactory(is_active=False))
    assert [s.association for s in suggestions(referral_for(world))] == [world["association"]]


# --- Territory ------------------------------------------------------------------------------------------


def test_territory_covered(world, convention):
    territory = TerritoryFactory(departement=world["departement"])
    convention.territories.set([territory])
    suggestion = only(referral_for(world, territory=territory))
    assert suggestion.fits and "couvre le territoire du jeune" in suggestion.reasons


def test_territory_not_covered(world, convention):
    convention.territories.set([TerritoryFactory(departement=world["departement"])])
    elsewhere = TerritoryFactory(departement=world["departement"])
    suggestion = only(referral_for(world, territory=elsewhere))
    assert not suggestion.fits and "ne couvre pas le territoire du jeune" in suggestion.reasons


def test_youth_without_territory_does_not_fit_a_territorial_convention(world, convention):
    convention.territories.set([TerritoryFactory(departement=world["departement"])])
    assert not only(referral_for(world, territory=None)).fits


# --- Objectives ---------------------------------------------------------------------------------------


def test_shared_objective_fits(world, convention):
    convention.routing_objectives.set([objective(world, "school_support"), objective(world, "orientation")])
    suggestion = only(referral_for(world, objectives=[objective(world, "orientation")]))
    assert suggestion.fits and "1 objectif en commun" in suggestion.reasons


def test_no_shared_objective_does_not_fit(world, convention):
    convention.routing_objectives.set([objective(world, "school_support")])
    suggestion = only(referral_for(world, objectives=[objective(world, "job_insertion")]))
    assert not suggestion.fits and "aucun objectif en commun" in suggestion.reasons


def test_youth_without_objectives_fits_a_convention_with_objectives(world, convention):
    convention.routing_objectives.set([objective(world, "school_support")])
    assert only(referral_for(world)).fits


# --- Age -------------------------------------------------------------------------------------------------


def test_youth_younger_than_the_age_range_does_not_fit(world, convention):
    convention.age_min, convention.age_max = 16, 20
    convention.save()
    suggestion = only(referral_for(world, birth_date=years_ago(14)))
    assert not suggestion.fits and "accompagne les 16–20 ans" in suggestion.reasons


def test_youth_older_than_the_age_range_does_not_fit(world, convention):
    convention.age_min, convention.age_max = 11, 15
    convention.save()
    assert not only(referral_for(world, birth_date=years_ago(16))).fits


def test_age_range_bounds_are_included(world, convention):
    convention.age_min, convention.age_max = 11, 14
    convention.save()
    assert only(referral_for(world, birth_date=years_ago(14))).fits


# --- Modality ---------------------------------------------------------------------------------------------


def test_modality_not_offered_does_not_fit(world, convention):
    convention.modalities = [Modality.REMOTE]
    convention.save()
    suggestion = only(referral_for(world, modality=Modality.IN_PERSON))
    assert not suggestion.fits and "ne propose pas le mentorat en présentiel" in suggestion.reasons


def test_modality_offered_fits(world, convention):
    convention.modalities = [Modality.REMOTE, Modality.IN_PERSON]
    convention.save()
    assert only(referral_for(world, modality=Modality.IN_PERSON)).fits


def test_a_youth_open_to_both_modalities_fits_any_convention(world, convention):
    convention.modalities = [Modality.REMOTE]
    convention.save()
    assert only(referral_for(world, modality=Modality.HYBRID)).fits


# --- Capacity ---------------------------------------------------------------------------------------------


def routed_to(world, association, state=ReferralState.ROUTED, service=None):
    youth = YouthFactory(ase_service=service or world["ase_service"], ready=True)
    return ReferralFactory(youth=youth, routed=True, state=state, association=association)


def test_full_capacity_does_not_fit(world, convention):
    convention.capacity = 2
    convention.save()
    routed_to(world, world["association"])
    routed_to(world, world["association"], state=ReferralState.ACCEPTED)
    suggestion = only(referral_for(world))
    assert not suggestion.fits
    assert suggestion.load == 2 and "capacité atteinte" in suggestion.reasons


def matched_in_pair(world, state):
    """A referral matched to the world's association, with its pair in `state`."""
    referral = routed_to(world, world["association"], state=ReferralState.MATCHED)
    Mentorship.objects.create(
        association=world["association"],
        departement=world["departement"],
        youth=referral.youth,
        mentor=MentorFactory(association=world["association"], ready=True),
        referral=referral,
        state=state,
    )
    return referral


def test_free_capacity_is_shown(world, convention):
    convention.capacity = 3
    convention.save()
    matched_in_pair(world, MentorshipState.ACTIVE)
    suggestion = only(referral_for(world))
    assert suggestion.fits and "2 places disponibles" in suggestion.reasons


def test_only_open_pairs_use_capacity(world, convention):
    """Capacity 5; by hand: 1 routed + 1 accepted + 1 pair to sign + 1 launched pair = 4 places used;
    the closed pair frees its place: 5 - 4 = 1 free."""
    convention.capacity = 5
    convention.save()
    routed_to(world, world["association"])
    routed_to(world, world["association"], state=ReferralState.ACCEPTED)
    matched_in_pair(world, MentorshipState.AGREEMENT)
    matched_in_pair(world, MentorshipState.ACTIVE)
    matched_in_pair(world, MentorshipState.CLOSED)
    suggestion = only(referral_for(world))
    assert suggestion.load == 4
    assert suggestion.fits and "1 place disponible" in suggestion.reasons


def test_withdrawn_and_declined_referrals_do_not_use_capacity(world, convention):
    convention.capacity = 1
    convention.save()
    routed_to(world, world["association"], state=ReferralState.WITHDRAWN)
    routed_to(world, world["association"], state=ReferralState.DECLINED)
    assert only(referral_for(world)).fits


def test_referrals_of_another_departement_do_not_use_capacity(world, convention):
    convention.capacity = 1
    convention.save()
    ConventionFactory(departement=world["other_departement"], association=world["association"])
    routed_to(world, world["association"], service=world["other_ase_service"])
    assert only(referral_for(world)).fits


# --- Ranking ------------------------------------------------------------------------------------------------


def test_more_shared_objectives_rank_first_and_unfit_last(world, convention):
    convention.routing_objectives.set([objective(world, "school_support")])
    both = AssociationFactory(name="Zèbre mentorat")
    ConventionFactory(departement=world["departement"], association=both).routing_objectives.set(
        [objective(world, "school_support"), objective(world, "orientation")]
    )
    unfit = AssociationFactory(name="Ailleurs mentorat")
    ConventionFactory(departement=world["departement"], association=unfit, age_min=18)
    referral = referral_for(
        world, objectives=[objective(world, "school_support"), objective(world, "orientation")]
    )
    assert [(s.association, s.fits) for s in suggestions(referral)] == [
        (both, True),
        (world["association"], True),
        (unfit, False),
    ]
    assert best_association(referral).association == both


def test_no_best_association_when_none_fits(world, convention):
    convention.age_min = 18
    convention.save()
    assert best_association(referral_for(world)) is None
