#!/usr/bin/env bash
# bench/first_start.sh — how long a newcomer waits (issue 15): clones the repository into a temporary
# folder, runs ./run until the first page answers, stops it, runs ./run again, and prints the time of
# each step: installs, database and demo, server up to the first page; then the second start. Also
# times, in the same clone, `seed_demo` on an empty migrated SQLite database and, for comparison, a
# full `migrate` on an empty one (what a first start did before the snapshot).
#
# Usage: bench/first_start.sh [--keep] [--port 8150]
# Targets: first page under 30 s, seed_demo under 15 s, a second ./run under 10 s (package caches warm:
# uv and npm have downloaded the packages once on this machine). Figures go to bench/RESULTS.md with
# the machine's load (printed at the start and the end).
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE="$(pwd)"
PORT=8150
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --port) PORT="$2"; shift ;;
    *) echo "option inconnue : $1" >&2; exit 2 ;;
  esac
  shift
done

# A newcomer's shell: the repository's own var/ folder and SQLite database.
unset BINOME_VAR_DIR DATABASE_URL DJANGO_SETTINGS_MODULE
WORK="$(mktemp -d /tmp/binome-first-start.XXXXXX)"
cleanup() {
  [ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null || true
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "load average at the start: $(load)  ($(nproc) processors)"
git clone --quiet "$SOURCE" "$WORK/binome"
cd "$WORK/binome"
echo "commit: $(git log --oneline -1 | cut -c1-80)"

# One ./run: prints "<label> <seconds>" for each step, stops the server once the first page answered.
start() {
  local label="$1" log="$WORK/$1.log" t0 t_db="" t_server="" t_page=""
  t0=$(now)
  PORT=$PORT ./run >"$log" 2>&1 &
  RUN_PID=$!
  while true; do
    if [ -z "$t_db" ] && grep -q "== Base de données" "$log"; then t_db=$(now); fi
    if [ -z "$t_server" ] && grep -q "== Démarrage" "$log"; then t_server=$(now); fi
    if [ -n "$t_server" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
      if [ "$code" = 200 ] || [ "$code" = 302 ]; then t_page=$(now); break; fi
    fi
    if ! kill -0 "$RUN_PID" 2>/dev/null; then echo "./run s'est arrêté :" >&2; tail -30 "$log" >&2; exit 1; fi
    sleep 0.2
  done
  # Stop it once the worker has started too (a TERM while ./run starts it would leave it running).
  for _ in $(seq 150); do grep -q "Binôme est démarré" "$log" && break; sleep 0.2; done
  kill -TERM "$RUN_PID" 2>/dev/null || true
  wait "$RUN_PID" 2>/dev/null || true
  RUN_PID=""
  echo "$label: installs $(elapsed "$t0" "$t_db") s, database and demo $(elapsed "$t_db" "$t_server") s," \
    "server to first page $(elapsed "$t_server" "$t_page") s — first page after $(elapsed "$t0" "$t_page") s"
}

start first_run
start second_run

# The two pieces on their own, in a fresh folder of the same clone.
export BINOME_VAR_DIR="$WORK/var_pieces" DJANGO_SETTINGS_MODULE=config.settings.dev BINOME_DEMO=1
unset PYTHONDONTWRITEBYTECODE
mkdir -m 700 "$BINOME_VAR_DIR"
t0=$(now)
.venv/bin/python manage.py migrate --noinput -v0
t1=$(now)
.venv/bin/python manage.py seed_demo >/dev/null
t2=$(now)
echo "migrate on an empty SQLite database (without the snapshot): $(elapsed "$t0" "$t1") s"
echo "seed_demo on the migrated, empty database (rows of the snapshot): $(elapsed "$t1" "$t2") s"
echo "load average at the end: $(load)"
