"""The vectorised candidate graph is the pure score, pair for pair."""

import random

import numpy as np
import pytest

from binome.matching import candidates
from binome.matching.scoring import DEFAULT_WEIGHTS, Side, hard_violations, score

SLOTS = ["lun_soir", "mer_apm", "sam_matin", "sam_apm", "dim_matin", "ven_soir"]
OBJECTIVES = ["school_support", "orientation", "job_insertion", "socio_emotional"]
SUBJECTS = ["maths", "french", "english", "history"]
HOBBIES = ["football", "dessin", "musique", "lecture", "cuisine", "théâtre", "jeux vidéo", "randonnée"]
LANGUAGES = ["français", "anglais", "arabe", "espagnol", "en", "wolof"]


def random_side(rng: random.Random, *, mentor: bool) -> Side:
    located = rng.random() > 0.1
    half_known = rng.random() < 0.03  # a commune with a latitude but no longitude
    return Side(
        age=rng.randint(25, 70) if mentor else rng.randint(11, 20),
        gender=rng.choice(["f", "m", "x", ""]) if mentor else rng.choice(["f", "m"]),
        latitude=47.0 + rng.random() * 0.8 if located else None,
        longitude=-2.4 + rng.random() * 1.2 if located and not half_known else None,
        modality=rng.choice(["in_person", "remote", "hybrid", ""]),
        objectives=frozenset(rng.sample(OBJECTIVES, rng.randint(0, 3))),
        subjects=frozenset(rng.sample(SUBJECTS, rng.randint(0, 2))),
        availability=frozenset(rng.sample(SLOTS, rng.randint(0, 4))),
        interests=", ".join(rng.sample(HOBBIES, rng.randint(0, 3))),
        languages=" et ".join(rng.sample(LANGUAGES, rng.randint(0, 2))),
        travel_km=rng.choice([0, 5, 10, 20, 40]) if mentor else 0,
        gender_preference="" if mentor else rng.choice(["", "", "f", "m"]),
    )


def brute_force(youths, y_groups, mentors, m_groups, weights=None, excluded=()):
    found = {}
    for y, youth in enumerate(youths):
        for m, mentor in enumerate(mentors):
            if y_groups[y] != m_groups[m] or (y, m) in excluded or hard_violations(youth, mentor):
                continue
            found[(y, m)] = score(youth, mentor, weights).total
    return found


def as_dict(edges):
    return {
        (int(y), int(m)): float(s) for y, m, s in zip(edges.youth, edges.mentor, edges.score, strict=True)
    }


@pytest.mark.parametrize("seed", range(12))
def test_the_vector_score_is_the_pure_score(seed):
    rng = random.Random(seed)
    youths = [random_side(rng, mentor=False) for _ in range(40)]
    mentors = [random_side(rng, mentor=True) for _ in range(35)]
    y_groups = [rng.randint(0, 2) for _ in youths]
    m_groups = [rng.randint(0, 2) for _ in mentors]
    excluded = {(rng.randrange(40), rng.randrange(35)) for _ in range(20)}
    ycols, mcols = candidates.columns(youths, y_groups, mentors, m_groups)

    got = as_dict(candidates.candidate_edges(ycols, mcols, excluded=excluded))
    expected = brute_force(youths, y_groups, mentors, m_groups, excluded=excluded)

    assert got.keys() == expected.keys()
    for pair, value in expected.items():
        assert got[pair] == value, (pair, youths[pair[0]], mentors[pair[1]])


def test_weights_can_differ_per_association():
    rng = random.Random(99)
    youths = [random_side(rng, mentor=False) for _ in range(30)]
    mentors = [random_side(rng, mentor=True) for _ in range(30)]
    y_groups = [i % 2 for i in range(30)]
    m_groups = [i % 2 for i in range(30)]
    distance_only = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"distance": 5.0}
    ycols, mcols = candidates.columns(youths, y_groups, mentors, m_groups)

    got = as_dict(candidates.candidate_edges(ycols, mcols, weights_by_group={1: distance_only}))

    for (y, m), value in got.items():
        weights = distance_only if y_groups[y] == 1 else None
        assert value == pytest.approx(score(youths[y], mentors[m], weights).total, abs=1e-3)
    assert any(y_groups[y] == 1 for y, _ in got) and any(y_groups[y] == 0 for y, _ in got)


def test_far_mentors_of_the_same_group_and_near_mentors_of_another_are_left_out():
    nantes = {"latitude": 47.2184, "longitude": -1.5536, "modality": "in_person"}
    youth = Side(age=14, **nantes)
    near_other_group = Side(age=35, travel_km=10, **nantes)
    far_same_group = Side(age=35, travel_km=10, latitude=47.2735, longitude=-2.2138, modality="in_person")
    close_same_group = Side(age=35, travel_km=10, latitude=47.1636, longitude=-1.5497, modality="in_person")
    ycols, mcols = candidates.columns(
        [youth], [0], [near_other_group, far_same_group, close_same_group], [1, 0, 0]
    )

    edges = candidates.candidate_edges(ycols, mcols)

    assert edges.mentor.tolist() == [2]


def test_ranked_lists_are_best_first_and_agree_with_the_pure_score():
    rng = random.Random(5)
    youths = [random_side(rng, mentor=False) for _ in range(10)]
    mentors = [random_side(rng, mentor=True) for _ in range(200)]
    ycols, mcols = candidates.columns(youths, [0] * 10, mentors, [0] * 200)

    best = candidates.ranked_mentors(ycols, mcols, 3, limit=10)
    best_youths = candidates.ranked_youths(ycols, mcols, 7, limit=5)

    expected = sorted(
        (
            (score(youths[3], mentor).total, -m)
            for m, mentor in enumerate(mentors)
            if not hard_violations(youths[3], mentor)
        ),
        reverse=True,
    )[:10]
    assert [m for m, _ in best] == [-m for _, m in expected]
    scores = [s for _, s in best_youths]
    assert scores == sorted(scores, reverse=True)
    assert all(not hard_violations(youths[y], mentors[7]) for y, _ in best_youths)


def test_an_empty_pool_has_no_edges():
    ycols, mcols = candidates.columns([], [], [], [])
    assert candidates.candidate_edges(ycols, mcols).size == 0
    assert np.asarray(candidates.pairs(ycols, mcols)[0]).size == 0
