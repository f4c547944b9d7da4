import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binome.matching.assignment import greedy, solve


def brute_force(n_youths, capacities, edges):
    """Every way to give each youth one candidate mentor or none: (most matched, best score)."""
    options = [[None] + [(m, s) for (y2, m, s) in edges if y2 == y] for y in range(n_youths)]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        load = {}
        for pick in choice:
            if pick:
                load[pick[0]] = load.get(pick[0], 0) + 1
        if any(load[m] > capacities[m] for m in load):
            continue
        matched = sum(1 for p in choice if p)
        score = round(sum(p[1] for p in choice if p), 3)
        best = max(best, (matched, score))
    return best


def test_the_classic_trap_greedy_falls_into():
    # Youth 0 likes both mentors; youth 1 can only have mentor 0. Greedy gives mentor 0 to youth 0.
    edges = [(0, 0, 9.0), (0, 1, 8.0), (1, 0, 5.0)]
    y, m, s = zip(*edges, strict=True)
    assert greedy(2, 2, [1, 1], y, m, s).matched == 1
    result = solve(2, 2, [1, 1], y, m, s)
    assert result.matched == 2 and result.optimal
    assert sorted(result.pairs) == [(0, 1), (1, 0)]
    assert result.total_score == 13.0


def test_capacity_is_respected():
    edges = [(y, 0, 1.0) for y in range(5)]
    y, m, s = zip(*edges, strict=True)
    assert solve(5, 1, [2], y, m, s).matched == 2


def test_empty_pool():
    assert solve(3, 3, [1, 1, 1], [], [], []).matched == 0


@settings(max_examples=60, deadline=None)
@given(
    n_youths=st.integers(1, 5),
    n_mentors=st.integers(1, 4),
    data=st.data(),
)
def test_matches_an_exhaustive_search(n_youths, n_mentors, data):
    capacities = data.draw(st.lists(st.integers(0, 2), min_size=n_mentors, max_size=n_mentors))
    pairs = data.draw(
        st.sets(st.tuples(st.integers(0, n_youths - 1), st.integers(0, n_mentors - 1)), max_size=10)
    )
    edges = [(y, m, data.draw(st.integers(0, 20)) / 2) for y, m in sorted(pairs)]
    expected = brute_force(n_youths, capacities, edges)
    if edges:
        y, m, s = (np.array(v) for v in zip(*edges, strict=True))
    else:
        y = m = s = np.array([])
    result = solve(n_youths, n_mentors, capacities, y, m, s)
    assert (result.matched, round(result.total_score, 3)) == expected
    assert result.matched >= greedy(n_youths, n_mentors, capacities, y, m, s).matched


def test_solving_each_association_apart_finds_the_same_optimum():
    from binome.matching import candidates, synthetic

    pool = synthetic.pool(600, 500, seed=11)
    ycols, mcols = candidates.columns(pool.youths, pool.youth_groups, pool.mentors, pool.mentor_groups)
    edges = candidates.candidate_edges(ycols, mcols)
    args = (600, 500, pool.capacities, edges.youth, edges.mentor, edges.score)

    whole = solve(*args)
    split = solve(*args, groups=ycols.group[edges.youth])

    assert split.optimal and whole.optimal
    assert split.matched == whole.matched
    assert split.total_score == pytest.approx(whole.total_score, abs=1e-6)
    taken = np.bincount([m for _, m in split.pairs], minlength=500)
    assert (taken <= np.asarray(pool.capacities)).all()
    assert len({y for y, _ in split.pairs}) == split.matched
