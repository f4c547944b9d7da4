"""The optimal set of pairs for a whole waiting pool: first as many youths matched as possible, then
the highest total score, within each mentor's capacity. An exact min-cost flow (OR-Tools), not a
greedy pass; the greedy pass is kept as the baseline the benchmark compares against.

Input is a sparse candidate graph: only the youth–mentor pairs that pass every hard constraint,
with their score. Everything is index-based (numpy arrays) so a national pool solves in seconds.
"""

from dataclasses import dataclass

import numpy as np

SCORE_SCALE = (
    10_000  # the solver works on integers: scores are rounded to four decimals, as scoring.score does
)


@dataclass
class Assignment:
    pairs: list[tuple[int, int]]  # (youth index, mentor index)
    total_score: float
    optimal: bool

    @property
    def matched(self) -> int:
        return len(self.pairs)


def solve(
    n_youths: int, n_mentors: int, capacities, youth_idx, mentor_idx, scores, groups=None
) -> Assignment:
    """Maximum matching of maximum total score. `youth_idx`, `mentor_idx`, `scores` describe the
    candidate edges (same length); `capacities[m]` is how many youths mentor m may still take.

    `groups` (one label per edge, e.g. the association) splits the pool into independent parts:
    no edge joins two groups, so solving each part alone gives the same optimum, much faster
    (a min-cost flow costs more than linearly in the size of the graph)."""
    if groups is not None:
        return _solve_by_group(capacities, youth_idx, mentor_idx, scores, np.asarray(groups))
    from ortools.graph.python import min_cost_flow

    youth_idx = np.asarray(youth_idx, dtype=np.int64)
    mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    capacities = np.asarray(capacities, dtype=np.int64)
    if youth_idx.size == 0:
        return Assignment([], 0.0, True)

    source, sink = 0, 1 + n_youths + n_mentors
    youth_node = 1 + np.arange(n_youths, dtype=np.int64)
    mentor_node = 1 + n_youths + np.arange(n_mentors, dtype=np.int64)
    tails = np.concatenate([np.full(n_youths, source), 1 + youth_idx, mentor_node])
    heads = np.concatenate([youth_node, 1 + n_youths + mentor_idx, np.full(n_mentors, sink)])
    caps = np.concatenate([np.ones(n_youths, np.int64), np.ones(youth_idx.size, np.int64), capacities])
    costs = np.concatenate(
        [
            np.zeros(n_youths, np.int64),
            -np.rint(scores * SCORE_SCALE).astype(np.int64),
            np.zeros(n_mentors, np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    first_edge = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)[n_youths]
    # Offer every youth; the solver sends as much as can reach the sink (most youths matched),
    # at the lowest cost among those flows (highest total score).
    flow.set_node_supply(source, n_youths)
    flow.set_node_supply(sink, -n_youths)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        return greedy(n_youths, n_mentors, capacities, youth_idx, mentor_idx, scores, optimal=False)
    flows = flow.flows(np.arange(first_edge, first_edge + youth_idx.size))
    chosen = np.nonzero(flows)[0]
    pairs = list(zip(youth_idx[chosen].tolist(), mentor_idx[chosen].tolist(), strict=True))
    return Assignment(pairs, float(scores[chosen].sum()), True)


def _solve_by_group(capacities, youth_idx, mentor_idx, scores, groups) -> Assignment:
    youth_idx, mentor_idx = np.asarray(youth_idx, np.int64), np.asarray(mentor_idx, np.int64)
    scores, capacities = np.asarray(scores, np.float64), np.asarray(capacities, np.int64)
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    pairs, total, optimal = [], 0.0, True
    for part in np.split(order, bounds):
        if not part.size:
            continue
        youths, local_youth = np.unique(youth_idx[part], return_inverse=True)
        mentors, local_mentor = np.unique(mentor_idx[part], return_inverse=True)
        found = solve(youths.size, mentors.size, capacities[mentors], local_youth, local_mentor, scores[part])
        pairs.extend((int(youths[y]), int(mentors[m])) for y, m in found.pairs)
        total += found.total_score
        optimal &= found.optimal
    return Assignment(pairs, total, optimal)


def greedy(
    n_youths: int, n_mentors: int, capacities, youth_idx, mentor_idx, scores, *, optimal=False
) -> Assignment:
    """Best score first, as a person sorting a spreadsheet would: the baseline to beat."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    left = np.asarray(capacities, dtype=np.int64).copy()
    taken = np.zeros(n_youths, dtype=bool)
    pairs, total = [], 0.0
    youth_idx, mentor_idx, scores = np.asarray(youth_idx), np.asarray(mentor_idx), np.asarray(scores)
    for edge in order:
        y, m = youth_idx[edge], mentor_idx[edge]
        if not taken[y] and left[m] > 0:
            taken[y] = True
            left[m] -= 1
            pairs.append((int(y), int(m)))
            total += float(scores[edge])
    return Assignment(pairs, total, optimal)
