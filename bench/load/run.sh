#!/usr/bin/env bash
# bench/load/run.sh — Binôme under load on several processes, all on 127.0.0.1: its own Redis, gunicorn
# (4 workers, config/gunicorn.py), 2 huey workers on Redis, PostgreSQL; locust plays the roles' daily
# work (bench/load/locustfile.py). During the run it kills (SIGKILL) one gunicorn worker, then one huey
# worker (restarted 5 s later, as systemd would). Then it waits for the queue and the e-mail outbox to
# drain (the killed worker's claimed e-mails come back through the minute's sweep, after
# BINOME_OUTBOX_STALE_MINUTES, 1 here) and checks that every request outside the kills succeeded and
# that every e-mail queued went out exactly once.
#
#   bench/load/run.sh                                   50 users, 5 minutes (bench/RESULTS.md)
#   bench/load/run.sh --users 10 --time 30 --no-seed    the short version ./test runs
#
# Options: --users N, --time SECONDS, --no-seed (database already filled: skip seed_demo), --no-chaos.
# Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/binome_load, created if
# missing; migrated at each run). Output: BENCH_OUT (default bench/out/load): summary.json, locust's
# CSV, the processes' logs. Exit status 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=50 DURATION=300 SEED=1 CHAOS=1
EMAILS_AT_KILL="${BENCH_EMAILS_AT_KILL:-300}"  # queued just before the huey worker is killed
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --time) DURATION="$2"; shift 2 ;;
    --no-seed) SEED=0; shift ;;
    --no-chaos) CHAOS=0; shift ;;
    *) echo "option inconnue : $1" >&2; exit 2 ;;
  esac
done

PY=.venv/bin/python
PORT="${BENCH_PORT:-8765}"
REDIS_PORT="${BENCH_REDIS_PORT:-6390}"
OUT="$(realpath -m "${BENCH_OUT:-bench/out/load}")"
export DJANGO_SETTINGS_MODULE=config.settings.bench
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/binome_load}"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export BINOME_VAR_DIR="$OUT/var"
export BINOME_OUTBOX_STALE_MINUTES="${BENCH_OUTBOX_STALE_MINUTES:-1}"
export BENCH_ACCOUNTS="$OUT/accounts.json" BENCH_OUT="$OUT"
rm -rf "$OUT"
mkdir -p "$OUT/var/static"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/events.log" >&2; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  [ -f "$OUT/gunicorn.pid" ] && kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$OUT/huey2.pid" ] && kill "$(cat "$OUT/huey2.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 &
pids+=($!)

if [ "$SEED" = 1 ]; then
  db="${DATABASE_URL##*/}"
  if ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$db\""
  fi
fi
$PY manage.py migrate --noinput -v0  # nothing to do on a database as recent as the code
if [ "$SEED" = 1 ]; then
  log "seed_demo"
  $PY manage.py seed_demo >"$OUT/seed.log"
fi
$PY bench/load/prepare.py "$USERS" "$BENCH_ACCOUNTS" >&2

GUNICORN_WORKERS=4 GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_ACCESS_LOG="$OUT/access.log" \
  .venv/bin/gunicorn -c config/gunicorn.py --pid "$OUT/gunicorn.pid" config.wsgi >"$OUT/gunicorn.log" 2>&1 &
start_huey() {  # $1: 1 or 2; the second enqueues no periodic task (the first does)
  local extra=(); [ "$1" = 2 ] && extra=(--no-periodic)
  $PY manage.py run_huey --workers 2 "${extra[@]}" >>"$OUT/huey$1.log" 2>&1 &
  echo $! >"$OUT/huey$1.pid"
}
start_huey 1; pids+=("$(cat "$OUT/huey1.pid")")
start_huey 2
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null || { log "gunicorn ne répond pas"; cat "$OUT/gunicorn.log" >&2; exit 1; }
log "gunicorn (4 workers) et 2 workers huey prêts ; $USERS utilisateurs pendant $DURATION s"

( while true; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"; sleep 5; done ) &
pids+=($!)

chaos_pid=""
if [ "$CHAOS" = 1 ]; then
  start="$(date +%s)"
  kill_web_at=$((start + DURATION * 2 / 5))
  kill_huey_at=$((start + DURATION * 3 / 5))
  # Loaded now (Django takes a while to import on a busy machine), it queues the e-mails 1 s before the kill.
  $PY bench/load/enqueue.py "$EMAILS_AT_KILL" "$OUT" "$((kill_huey_at - 1))" >&2 &
  (
    sleep $((kill_web_at - $(date +%s)))
    worker="$(pgrep -P "$(cat "$OUT/gunicorn.pid")" | head -1)"
    kill -KILL "$worker" && echo "$(date +%s.%N) gunicorn $worker" >>"$OUT/kills.txt"
    log "SIGKILL worker gunicorn $worker (le maître en relance un)"
    sleep $((kill_huey_at - $(date +%s)))
    huey="$(cat "$OUT/huey2.pid")"
    kill -KILL "$huey" && echo "$(date +%s.%N) huey $huey" >>"$OUT/kills.txt"
    log "SIGKILL worker huey $huey ($(redis-cli -p "$REDIS_PORT" llen huey.redis.binome) tâches en file) ; relancé dans 5 s"
    sleep 5
    start_huey 2
  ) &
  chaos_pid=$!
fi

.venv/bin/locust -f bench/load/locustfile.py --headless --users "$USERS" --spawn-rate "$(( USERS > 10 ? USERS / 10 : 1 ))" \
  --run-time "${DURATION}s" --stop-timeout 10 --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
  >"$OUT/locust.log" 2>&1 || true
[ -n "$chaos_pid" ] && wait "$chaos_pid"
log "fin de la charge ; attente de la file huey"
for _ in $(seq 120); do
  [ "$(redis-cli -p "$REDIS_PORT" llen huey.redis.binome)" = 0 ] && break
  sleep 1
done
sleep 3  # the last tasks popped finish
unsent() { psql "$DATABASE_URL" -tAc "SELECT count(*) FROM notifications_outboxemail WHERE status IN ('pending', 'sending')"; }
log "e-mails pas encore envoyés : $(unsent) ; attente de l'outbox (balayage chaque minute)"
for _ in $(seq 300); do
  [ "$(unsent)" = 0 ] && break
  sleep 1
done
psql "$DATABASE_URL" -tAc "SELECT status, count(*) FROM notifications_outboxemail GROUP BY status" >"$OUT/outbox.txt"
$PY bench/load/report.py "$OUT"
