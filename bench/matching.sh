#!/usr/bin/env bash
# bench/matching.sh — the batch matching on synthetic pools (no database needed).
# Runs each size three times with different seeds and prints every JSON line, then the medians.
#
#   bench/matching.sh                      1,000 × 1,000 and 30,000 × 30,000
#   bench/matching.sh 50000x40000 --verify  any sizes; extra options go to bench_matching
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
sizes=()
while [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+x[0-9]+$ ]]; do sizes+=("$1"); shift; done
[ ${#sizes[@]} -eq 0 ] && sizes=(1000x1000 30000x30000)

for size in "${sizes[@]}"; do
  youths="${size%x*}" mentors="${size#*x}"
  for seed in 1 2 3; do
    "$PY" manage.py bench_matching --youths "$youths" --mentors "$mentors" --seed "$seed" "$@"
  done | tee /dev/stderr | "$PY" bench/lib/median.py
done
