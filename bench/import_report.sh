#!/usr/bin/env bash
# bench/import_report.sh — times the association import (a generated 10,000-pair xlsx with 10,000
# monthly meeting rows): dry run, import, re-import, one bad row; on PostgreSQL and on SQLite.
# Prints one JSON line per measure and a Markdown table (see bench/README.md).
#
#   bench/import_report.sh                    both databases
#   bench/import_report.sh postgres           PostgreSQL only (BENCH_DATABASE_URL, default below)
#   bench/import_report.sh sqlite --rows 10000 --runs 5
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/binome_bench}"
SQLITE_URL="${BENCH_SQLITE_URL:-sqlite:///$PWD/var/bench.sqlite3}"
PYTHON="${PYTHON:-.venv/bin/python}"
target="${1:-all}"
[ $# -gt 0 ] && shift

bench() {
  export DATABASE_URL="$1"
  shift
  "$PYTHON" manage.py migrate --noinput -v0
  "$PYTHON" manage.py bench_import_report "$@"
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
