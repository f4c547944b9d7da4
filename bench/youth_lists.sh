#!/usr/bin/env bash
# bench/youth_lists.sh — times the list of youths of a département of 10,000 youths, on PostgreSQL
# and on SQLite, and prints one JSON line per page (see bench/README.md).
#
#   bench/youth_lists.sh                 both databases
#   bench/youth_lists.sh postgres        PostgreSQL only (BENCH_DATABASE_URL, default below)
#   bench/youth_lists.sh sqlite --runs 15 --explain
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/binome_bench}"
SQLITE_URL="sqlite:///$PWD/var/bench.sqlite3"
target="${1:-all}"
[ $# -gt 0 ] && shift

bench() {
  export DATABASE_URL="$1"
  shift
  uv run python manage.py migrate --noinput -v0
  uv run python manage.py createcachetable >&2
  uv run python manage.py bench_youth_lists "$@"
}

if [ "$target" = all ] || [ "$target" = postgres ]; then
  db="${PG_URL##*/}"
  if ! psql "${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "${PG_URL%/*}/postgres" -qc "CREATE DATABASE \"$db\""
  fi
  bench "$PG_URL" "$@"
fi
if [ "$target" = all ] || [ "$target" = sqlite ]; then
  mkdir -p var
  bench "$SQLITE_URL" "$@"
fi
