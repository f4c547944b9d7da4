#!/usr/bin/env bash
# bench/steering.sh — steering at national scale (issue 7), on PostgreSQL: builds the synthetic France
# once (`seed_demo --scale national`, a few minutes), then times a département's month dashboard, the
# national roll-up and the tableau de pilotage export, each beside a bare SQL GROUP BY over the same
# rows. One JSON line per measure (see bench/STEERING.md).
#
#   bench/steering.sh                         7 runs per case
#   bench/steering.sh --runs 15 --period 2026-10 --departement 13
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/binome_bench}"
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="uv run python"

db="${PG_URL##*/}"
if ! psql "${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql "${PG_URL%/*}/postgres" -qc "CREATE DATABASE \"$db\""
fi
export DATABASE_URL="$PG_URL"
$PYTHON manage.py migrate --noinput -v0
$PYTHON manage.py createcachetable >&2
$PYTHON manage.py seed_demo --scale national >&2   # does nothing when already built
$PYTHON manage.py bench_steering "$@"
