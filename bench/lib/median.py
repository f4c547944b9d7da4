"""Reads bench_matching JSON lines on stdin and prints their medians (bench/matching.sh)."""

import json
import statistics
import sys

runs = [json.loads(line) for line in sys.stdin if line.startswith("{")]
keys = ["candidate_seconds", "solve_seconds", "total_seconds", "peak_mb", "ranked_5000_ms"]
summary = {"size": f"{runs[0]['n_youths']}x{runs[0]['n_mentors']}", "runs": len(runs)}
summary |= {key: statistics.median(run[key] for run in runs) for key in keys}
summary["all_optimal"] = all(run["optimal"] for run in runs)
summary["matched_minus_greedy"] = [run["matched"] - run["greedy_matched"] for run in runs]
print("median", json.dumps(summary))
