"""The legal gates (décret n° 2024-118): which consents each legal status needs, and what blocks a referral."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone
from freezegun import freeze_time

from binome.youths.models import ConsentKind, LegalStatus, ProposalOutcome
from binome.youths.rules import (
    missing_consents,
    required_consents,
    submission_blockers,
    youth_missing_consents,
)
from tests.youths.factories import ConsentFactory, YouthFactory

K = ConsentKind


@pytest.mark.parametrize(
    ("status", "holders", "expected"),
    [
        (LegalStatus.PARENTS, 2, {K.YOUTH_ADHESION: 1, K.PARENT: 2}),
        (LegalStatus.PARENTS, 1, {K.YOUTH_ADHESION: 1, K.PARENT: 1}),
        (LegalStatus.DELEGATED, 2, {K.YOUTH_ADHESION: 1, K.DELEGATE: 1}),
        (LegalStatus.WARD, 2, {K.YOUTH_ADHESION: 1, K.TUTOR: 1, K.FAMILY_COUNCIL: 1}),
        (LegalStatus.YOUNG_ADULT, 2, {K.YOUNG_ADULT: 1}),
    ],
)
def test_required_consents_follow_the_legal_status(status, holders, expected):
    assert required_consents(status, holders) == Counter(expected)


def test_two_parents_nothing_given_asks_for_the_youth_and_both_holders():
    assert missing_consents(LegalStatus.PARENTS, 2, []) == [
        "l'avis et l'adhésion du jeune",
        "l'accord écrit des deux titulaires de l'autorité parentale",
    ]


def test_two_parents_one_given_asks_for_the_second_holder():
    assert missing_consents(LegalStatus.PARENTS, 2, [K.YOUTH_ADHESION, K.PARENT]) == [
        "l'accord écrit du second titulaire de l'autorité parentale"
    ]


def test_single_holder_one_parent_consent_is_enough():
    assert missing_consents(LegalStatus.PARENTS, 1, [K.YOUTH_ADHESION, K.PARENT]) == []


def test_delegated_authority_a_parent_does_not_replace_the_delegate():
    assert missing_consents(LegalStatus.DELEGATED, 2, [K.YOUTH_ADHESION, K.PARENT]) == [
        "l'accord écrit du délégataire de l'autorité parentale"
    ]


def test_ward_with_tutor_only_still_needs_the_family_council():
    assert missing_consents(LegalStatus.WARD, 2, [K.YOUTH_ADHESION, K.TUTOR]) == [
        "l'accord du conseil de famille"
    ]


def test_ward_with_family_council_only_still_needs_the_tutor():
    assert missing_consents(LegalStatus.WARD, 2, [K.YOUTH_ADHESION, K.FAMILY_COUNCIL]) == [
        "l'accord écrit du tuteur"
    ]


def test_ward_with_tutor_and_family_council_is_complete():
    assert missing_consents(LegalStatus.WARD, 2, [K.YOUTH_ADHESION, K.TUTOR, K.FAMILY_COUNCIL]) == []


def test_young_adult_consents_for_themself_parents_do_not_count():
    assert missing_consents(LegalStatus.YOUNG_ADULT, 2, [K.YOUTH_ADHESION, K.PARENT, K.PARENT]) == [
        "le consentement du jeune majeur"
    ]


def test_young_adult_own_consent_is_enough():
    assert missing_consents(LegalStatus.YOUNG_ADULT, 2, [K.YOUNG_ADULT]) == []


def test_a_withdrawn_consent_no_longer_counts(world):
    youth = YouthFactory(ase_service=world["ase_service"], single_holder=True)
    ConsentFactory(youth=youth, kind=K.YOUTH_ADHESION)
    ConsentFactory(youth=youth, kind=K.PARENT, withdrawn_at=timezone.now())
    assert youth_missing_consents(youth) == ["l'accord écrit d'un titulaire de l'autorité parentale"]


# --- submission_blockers ------------------------------------------------------------------------


def test_a_ready_youth_has_no_blocker(world):
    assert submission_blockers(YouthFactory(ase_service=world["ase_service"], ready=True)) == []


def test_proposal_not_accepted_blocks(world):
    youth = YouthFactory(
        ase_service=world["ase_service"],
        assessed=True,
        consented=True,
        proposal_outcome=ProposalOutcome.POSTPONED,
    )
    assert submission_blockers(youth) == ["La proposition de mentorat n'a pas été acceptée."]


def test_no_assessment_blocks(world):
    youth = YouthFactory(ase_service=world["ase_service"], proposal_accepted=True, consented=True)
    assert submission_blockers(youth) == ["Aucune évaluation de situation n'est enregistrée."]


def test_negative_assessment_blocks(world):
    youth = YouthFactory(ase_service=world["ase_service"], ready=True, assessment_in_interest=False)
    assert submission_blockers(youth) == [
        "La dernière évaluation conclut que le mentorat n'est pas dans l'intérêt du jeune."
    ]


@freeze_time("2026-03-15")
def test_assessment_of_exactly_one_year_is_still_valid(world):
    youth = YouthFactory(
        ase_service=world["ase_service"], ready=True, assessment_date=datetime.date(2025, 3, 15)
    )
    assert submission_blockers(youth) == []


@freeze_time("2026-03-15")
def test_assessment_older_than_one_year_blocks(world):
    youth = YouthFactory(
        ase_service=world["ase_service"], ready=True, assessment_date=datetime.date(2025, 3, 14)
    )
    assert submission_blockers(youth) == [
        "L'évaluation de situation date de plus d'un an : elle doit être renouvelée."
    ]


def test_ward_without_family_council_is_blocked(world):
    youth = YouthFactory(ase_service=world["ase_service"], ward=True, proposal_accepted=True, assessed=True)
    ConsentFactory(youth=youth, kind=K.YOUTH_ADHESION)
    ConsentFactory(youth=youth, kind=K.TUTOR, given_by="M. Martin, tuteur")
    assert submission_blockers(youth) == ["Il manque l'accord du conseil de famille."]


def test_every_reason_is_listed_together(world):
    youth = YouthFactory(ase_service=world["ase_service"], archived_at=timezone.now())
    assert submission_blockers(youth) == [
        "Le jeune est sorti du dispositif.",
        "La proposition de mentorat n'a pas été acceptée.",
        "Aucune évaluation de situation n'est enregistrée.",
        "Il manque l'avis et l'adhésion du jeune, l'accord écrit des deux titulaires de l'autorité parentale.",
    ]
