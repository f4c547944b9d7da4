"""Benchmark of the batch matching on a synthetic pool: prints one JSON line.

python manage.py bench_matching --youths 30000 --mentors 30000 --seed 1
python manage.py bench_matching --youths 2000 --mentors 2000 --verify   # + SciPy cross-check
python manage.py bench_matching --youths 2000 --mentors 2000 --dump graph.npz  # for your own solver
"""

import json
import resource
import time

import numpy as np
from django.core.management.base import BaseCommand

from binome.matching import assignment, candidates, synthetic


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def scipy_optimum(n_youths, n_mentors, capacities, edges) -> tuple[int, float]:
    """An independent exact solver: SciPy's sparse assignment (LAPJVsp) on the graph where every
    mentor place is its own column and every youth may also take an 'unmatched' column at a cost
    larger than any total score, so the optimum matches the most youths first, then scores best."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    capacities = np.asarray(capacities, dtype=np.int64)
    first_place = np.concatenate([[0], np.cumsum(capacities)[:-1]])
    places = int(capacities.sum())
    rows, cols, costs = [], [], []
    penalty = float(edges.score.sum()) + 1.0 if edges.size else 1.0
    # Real scores are shifted to stay positive (SciPy drops explicit zeros from sparse input).
    shift = float(edges.score.max()) + 1.0 if edges.size else 1.0
    for k in range(int(capacities.max(initial=0))):
        has = capacities[edges.mentor] > k
        rows.append(edges.youth[has])
        cols.append(first_place[edges.mentor[has]] + k)
        costs.append(shift - edges.score[has])
    rows.append(np.arange(n_youths))
    cols.append(places + np.arange(n_youths))
    costs.append(np.full(n_youths, penalty + shift))
    graph = coo_matrix(
        (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_youths, places + n_youths),
    ).tocsr()
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < places
    matched = int(real.sum())
    total = float((shift - np.asarray(graph[row_ind[real], col_ind[real]]).ravel()).sum())
    return matched, total


RANKED_MENTORS = 5000


class Command(BaseCommand):
    help = "Mesure le calcul des propositions de binômes sur un vivier synthétique (une ligne JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--youths", type=int, default=1000)
        parser.add_argument("--mentors", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--verify", action="store_true", help="Recalcule l'optimum avec SciPy.")
        parser.add_argument("--dump", help="Écrit le graphe des candidats (.npz) pour un autre solveur.")

    def handle(self, *args, youths, mentors, seed, verify, dump, **options):
        pool = synthetic.pool(youths, mentors, seed)

        started = time.perf_counter()
        ycols, mcols = candidates.columns(pool.youths, pool.youth_groups, pool.mentors, pool.mentor_groups)
        edges = candidates.candidate_edges(ycols, mcols)
        candidate_seconds = time.perf_counter() - started

        started = time.perf_counter()
        best = assignment.solve(
            youths,
            mentors,
            pool.capacities,
            edges.youth,
            edges.mentor,
            edges.score,
            groups=ycols.group[edges.youth],
        )
        solve_seconds = time.perf_counter() - started

        ranked_ms = self.ranked_list_ms(seed)
        baseline = assignment.greedy(youths, mentors, pool.capacities, edges.youth, edges.mentor, edges.score)
        result = {
            "n_youths": youths,
            "n_mentors": mentors,
            "seed": seed,
            "n_edges": edges.size,
            "candidate_seconds": round(candidate_seconds, 3),
            "solve_seconds": round(solve_seconds, 3),
            "total_seconds": round(candidate_seconds + solve_seconds, 3),
            "peak_mb": peak_mb(),
            "matched": best.matched,
            "total_score": round(best.total_score, 4),
            "greedy_matched": baseline.matched,
            "greedy_total_score": round(baseline.total_score, 4),
            "optimal": best.optimal,
            "ranked_5000_ms": ranked_ms,
        }
        if dump:
            np.savez_compressed(
                dump,
                youth=edges.youth,
                mentor=edges.mentor,
                score=edges.score,
                capacity=np.asarray(pool.capacities),
                n_youths=youths,
                n_mentors=mentors,
            )
        if verify:
            started = time.perf_counter()
            matched, total = scipy_optimum(youths, mentors, pool.capacities, edges)
            result |= {
                "scipy_matched": matched,
                "scipy_total_score": round(total, 4),
                "scipy_seconds": round(time.perf_counter() - started, 3),
                "verified": matched == best.matched
                and abs(total - best.total_score) < 1e-3 * max(1, matched),
            }
        self.stdout.write(json.dumps(result))

    def ranked_list_ms(self, seed) -> float:
        """Median time to rank 5,000 mentors for one youth, from their profiles to the sorted list."""
        pool = synthetic.pool(1, RANKED_MENTORS, seed)
        times = []
        for _ in range(7):
            started = time.perf_counter()
            ycols, mcols = candidates.columns(pool.youths, [0], pool.mentors, [0] * RANKED_MENTORS)
            candidates.ranked_mentors(ycols, mcols, 0, limit=20)
            times.append(time.perf_counter() - started)
        return round(sorted(times)[len(times) // 2] * 1000, 1)
