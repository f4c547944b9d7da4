import json
from io import StringIO

from django.core.management import call_command


def test_the_benchmark_prints_one_json_line_checked_by_an_independent_solver(tmp_path):
    out = StringIO()
    dump = tmp_path / "graph.npz"

    call_command(
        "bench_matching",
        "--youths",
        "400",
        "--mentors",
        "300",
        "--seed",
        "3",
        "--verify",
        "--dump",
        str(dump),
        stdout=out,
    )

    result = json.loads(out.getvalue())
    assert {
        "n_youths",
        "n_mentors",
        "candidate_seconds",
        "solve_seconds",
        "peak_mb",
        "matched",
        "total_score",
        "greedy_matched",
        "greedy_total_score",
        "optimal",
    } <= result.keys()
    assert result["optimal"] is True and result["verified"] is True
    assert result["matched"] == result["scipy_matched"] >= result["greedy_matched"]
    assert (
        result["total_score"] >= result["greedy_total_score"] or result["matched"] > result["greedy_matched"]
    )
    assert dump.exists()
