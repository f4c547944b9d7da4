import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from binome.matching.scoring import (
    DEFAULT_WEIGHTS,
    Side,
    criterion_age_gap,
    criterion_availability,
    criterion_distance,
    criterion_objectives,
    hard_violations,
    max_score,
    score,
)

NANTES = (47.2397, -1.5492)
SAINT_NAZAIRE = (47.2802, -2.2583)
REZE = (47.1833, -1.5500)

YOUTH = Side(
    age=14,
    gender="f",
    latitude=NANTES[0],
    longitude=NANTES[1],
    modality="in_person",
    objectives=frozenset({"school_support", "orientation"}),
    availability=frozenset({"mer_apm", "sam_matin"}),
    interests="dessin, football et musique",
)
MENTOR = Side(
    age=34,
    gender="f",
    latitude=REZE[0],
    longitude=REZE[1],
    modality="in_person",
    travel_km=15,
    objectives=frozenset({"school_support"}),
    availability=frozenset({"mer_apm", "sam_matin", "lun_soir"}),
    interests="musique classique, randonnée",
)


def test_breakdown_speaks_french():
    result = score(YOUTH, MENTOR)
    labels = {c.key: c.label for c in result.criteria}
    assert labels["availability"] == "2 créneaux communs"
    assert labels["objectives"] == "1 objectif sur 2 en commun"
    assert labels["distance"].startswith("à 6 km")
    assert labels["interests"] == "intérêts communs : musique"
    assert result.breakdown()[0][0] in ("Distance", "Disponibilités", "Objectifs et matières")


def test_same_commune_and_radius():
    same = dataclasses.replace(MENTOR, latitude=NANTES[0], longitude=NANTES[1])
    assert criterion_distance(YOUTH, same).label == "même commune"
    far = dataclasses.replace(MENTOR, latitude=SAINT_NAZAIRE[0], longitude=SAINT_NAZAIRE[1])
    assert any("au-delà des 15 km" in p for p in hard_violations(YOUTH, far))
    remote = dataclasses.replace(YOUTH, modality="remote")
    assert not any("km" in p for p in hard_violations(remote, dataclasses.replace(far, modality="remote")))


def test_hard_constraints():
    assert "modalités incompatibles (présentiel et distance)" in hard_violations(
        YOUTH, dataclasses.replace(MENTOR, modality="remote")
    )
    wants_man = dataclasses.replace(YOUTH, gender_preference="m")
    assert "le jeune a demandé un mentor d'un autre genre" in hard_violations(wants_man, MENTOR)
    assert hard_violations(YOUTH, MENTOR) == []


def test_no_shared_slot_scores_zero_on_availability():
    busy = dataclasses.replace(MENTOR, availability=frozenset({"dim_soir"}))
    assert criterion_availability(YOUTH, busy).value == 0
    assert criterion_availability(YOUTH, busy).label == "aucun créneau commun"


def test_age_gap():
    assert criterion_age_gap(YOUTH, dataclasses.replace(MENTOR, age=15)).value == 0
    assert criterion_age_gap(YOUTH, MENTOR).value == 1
    assert (
        criterion_age_gap(YOUTH, dataclasses.replace(MENTOR, age=18)).label
        == "écart d'âge de 4 ans (pair proche)"
    )


def test_subjects_count_when_both_sides_give_them():
    youth = dataclasses.replace(YOUTH, subjects=frozenset({"maths"}))
    mentor = dataclasses.replace(MENTOR, subjects=frozenset({"maths", "french"}))
    assert "1 matière en commun" in criterion_objectives(youth, mentor).label


def test_weights_change_the_ranking():
    near_busy = dataclasses.replace(MENTOR, latitude=NANTES[0], longitude=NANTES[1], availability=frozenset())
    far_free = dataclasses.replace(MENTOR, latitude=REZE[0] - 0.05, longitude=REZE[1])
    distance_first = {"distance": 10, "availability": 0.1}
    availability_first = {"distance": 0.1, "availability": 10}
    assert score(YOUTH, near_busy, distance_first).total > score(YOUTH, far_free, distance_first).total
    assert (
        score(YOUTH, near_busy, availability_first).total < score(YOUTH, far_free, availability_first).total
    )


slots = st.frozensets(st.sampled_from(["lun_soir", "mer_apm", "sam_matin", "dim_soir"]))


@given(
    youth_slots=slots,
    mentor_slots=slots,
    age=st.integers(11, 20),
    mentor_age=st.integers(16, 80),
    travel=st.integers(0, 100),
)
def test_score_is_bounded_and_every_criterion_explained(youth_slots, mentor_slots, age, mentor_age, travel):
    youth = dataclasses.replace(YOUTH, availability=youth_slots, age=age)
    mentor = dataclasses.replace(MENTOR, availability=mentor_slots, age=mentor_age, travel_km=travel)
    result = score(youth, mentor)
    assert 0 <= result.total <= max_score()
    assert {c.key for c in result.criteria} == set(DEFAULT_WEIGHTS)
    assert all(0 <= c.value <= 1 and c.label for c in result.criteria)


def test_common_words_are_not_shared_interests():
    from binome.matching.scoring import criterion_interests, criterion_languages

    youth = dataclasses.replace(
        YOUTH, interests="J'aime faire du foot avec mes amis", languages="parle arabe"
    )
    mentor = dataclasses.replace(
        MENTOR, interests="J'aime faire la cuisine avec mes enfants", languages="parle anglais"
    )

    assert criterion_interests(youth, mentor).value == 0
    assert criterion_languages(youth, mentor).value == 0
