#!/usr/bin/env bash
# scripts/smoke_prod.sh — the README's « En production » commands, run as they are written, on a fresh
# PostgreSQL database: a copy of the checkout, `uv sync --no-dev`, `npm ci --omit=dev`, `check --deploy`,
# migrate, collectstatic, gunicorn (2 workers) and one huey worker on Redis, then « Premier jour »
# (setup_admin, setup_departement); the pilot's invitation is accepted over HTTP up to the
# authenticator-app set-up page, and the invitation e-mail must leave through the worker and SMTP.
# Everything it starts (Redis, an SMTP sink, gunicorn, huey, the database, the copy) is stopped and
# removed on exit, whatever happens. It fails as soon as a step of the README stops working.
#
# Needs: git, uv (or ~/.local/bin/uv), npm, psql, redis-server, python3. Each step may take
# SMOKE_STEP_TIMEOUT seconds (900): a guard against a hang, not a speed target — `migrate` on
# PostgreSQL is most of the time (6 minutes measured on 2 cores under a load average of 14).
# PostgreSQL: CI_DATABASE_URL or DATABASE_URL (a server where it may create and drop a database),
# default postgres://postgres@127.0.0.1:5432/binome.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE=$PWD
START=$SECONDS
command -v uv >/dev/null 2>&1 || export PATH="$HOME/.local/bin:$PATH"

say() { printf '\033[1m[smoke %3ss] %s\033[0m\n' "$((SECONDS - START))" "$*"; }
fail() { printf '\033[31m[smoke] ÉCHEC : %s\033[0m\n' "$*" >&2; exit 1; }

for tool in uv npm psql redis-server python3 setsid; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool est introuvable (Debian : apt-get install redis-server postgresql-client)"
done

WORK=$(mktemp -d /tmp/binome-smoke.XXXXXX)
APP="$WORK/app"
PG_BASE="${CI_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/binome}}"
PG_BASE="${PG_BASE%/*}"
DB_NAME="binome_smoke_$$"
GROUPS_STARTED=()
declare -A PGID_OF
DB_CREATED=0

cleanup() {
  local status=$?
  set +e
  for pgid in "${GROUPS_STARTED[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local alive=0
    for pgid in "${GROUPS_STARTED[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pgid in "${GROUPS_STARTED[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
  if [ "$DB_CREATED" = 1 ]; then
    psql -q "$PG_BASE/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1
  fi
  if [ "$status" != 0 ] && [ -d "$WORK/logs" ]; then
    for log in "$WORK"/logs/*.log; do echo "--- $(basename "$log") (fin)"; tail -n 25 "$log"; done
  fi
  rm -rf "$WORK"
  say "tout ce qui avait été démarré est arrêté, la base $DB_NAME et $WORK sont supprimées"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME COMMAND… : in its own process group (stopped as a whole on exit), output in logs/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$WORK/logs/$name.log" 2>&1 &
  GROUPS_STARTED+=("$!")
  PGID_OF[$name]=$!
}

wait_for_port() {
  for _ in $(seq 1 150); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  fail "$2 n'écoute pas sur le port $1 après 30 s"
}

# --- The README's commands ---------------------------------------------------------------------------
# The ```sh blocks of the « En production » section (« Premier jour » included), continuation lines
# joined, trailing comments dropped.
readme_commands() {
  awk '/^## En production/{s=1; next} /^## /{s=0} s && /^```sh/{b=1; next} s && /^```/{b=0; next} s && b' README.md |
    sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' |
    sed -E 's/[[:space:]]+#.*$//' | grep -v '^[[:space:]]*$'
}
mapfile -t COMMANDS < <(readme_commands)
[ "${#COMMANDS[@]}" -ge 8 ] || fail "la section « En production » du README n'a plus ses commandes"
grep -q 'setup_departement' <<<"${COMMANDS[*]}" || fail "le README ne dit plus comment créer le département"

say "copie de l'arbre de travail dans $APP"
mkdir -p "$APP" "$WORK/logs"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$APP"
else  # an exported tree (git archive)
  tar --exclude=./.venv --exclude=./node_modules --exclude=./var -cf - . | tar -xf - -C "$APP"
fi

say "services : PostgreSQL (base $DB_NAME), Redis et un serveur SMTP de test, sur des ports libres"
psql -q "$PG_BASE/postgres" -c "CREATE DATABASE $DB_NAME" >/dev/null
DB_CREATED=1
REDIS_PORT=$(free_port)
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK"
SMTP_PORT=$(free_port)
start smtp python3 "$SOURCE/scripts/smtp_sink.py" "$SMTP_PORT" "$WORK/mails.txt"
WEB_PORT=$(free_port)
wait_for_port "$REDIS_PORT" "Redis"
wait_for_port "$SMTP_PORT" "le serveur SMTP de test"

# What differs from a real server, set after the README's own `export` line.
overrides() {
  export DATABASE_URL="$PG_BASE/$DB_NAME" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$SMTP_PORT"
  export GUNICORN_BIND="127.0.0.1:$WEB_PORT" GUNICORN_WORKERS=2 HUEY_WORKERS=1
}

cd "$APP"
SETUP_OUTPUT="$WORK/logs/setup_departement.log"
for line in "${COMMANDS[@]}"; do
  case "$line" in
    export\ *)
      line="${line//SECRET_KEY=…/SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
      say "${line%% SECRET_KEY*} …"
      eval "${line//…/smoke}"
      overrides
      ;;
    *gunicorn*)
      say "$line  (2 workers sur 127.0.0.1:$WEB_PORT, SECURE_SSL_REDIRECT=0 : pas de proxy HTTPS ici)"
      start gunicorn env SECURE_SSL_REDIRECT=0 bash -c "$line"
      ;;
    *run_huey*)
      say "$line"
      start huey bash -c "$line"
      ;;
    *setup_departement*)
      say "$line"
      timeout "${SMOKE_STEP_TIMEOUT:-900}" bash -c "$line" | tee "$SETUP_OUTPUT" || fail "$line"
      ;;
    *)
      say "$line"
      timeout "${SMOKE_STEP_TIMEOUT:-900}" bash -c "$line" >"$WORK/logs/step.log" 2>&1 ||
        { tail -n 40 "$WORK/logs/step.log"; fail "$line"; }
      ;;
  esac
done
wait_for_port "$WEB_PORT" "gunicorn"

say "seconde exécution de setup_departement : rien ne doit changer"
grep -m1 'setup_departement' <<<"$(printf '%s\n' "${COMMANDS[@]}")" |
  timeout "${SMOKE_STEP_TIMEOUT:-900}" bash >"$WORK/logs/setup_again.log" 2>&1 ||
  fail "seconde exécution de setup_departement"
grep -q "rien à faire" "$WORK/logs/setup_again.log" || fail "la seconde exécution de setup_departement a changé quelque chose"

LINK=$(grep -Eo 'https?://[^ ]+/invitation/[^ ]+' "$SETUP_OUTPUT" | tail -n 1)
[ -n "$LINK" ] || fail "setup_departement n'a pas affiché le lien d'invitation"

say "HTTP : pages servies, invitation acceptée, jusqu'à la page de la double authentification"
.venv/bin/python "$SOURCE/scripts/smoke_http.py" "http://127.0.0.1:$WEB_PORT" "$LINK" "$WORK/mails.txt" ||
  fail "le parcours HTTP"

say "gunicorn a bien 2 workers, huey tourne"
# Workers are the gunicorn processes whose parent is a gunicorn process (the master): exactly 2.
GUNICORN_PIDS=" $(pgrep -g "${PGID_OF[gunicorn]}" -f 'gunicorn' | tr '\n' ' ') "
WORKERS=0
for pid in $GUNICORN_PIDS; do
  parent=$(ps -o ppid= -p "$pid" | tr -d ' ')
  [[ "$GUNICORN_PIDS" == *" $parent "* ]] && WORKERS=$((WORKERS + 1))
done
[ "$WORKERS" -eq 2 ] || fail "gunicorn a $WORKERS workers au lieu de 2"
pgrep -g "${PGID_OF[huey]}" -f run_huey >/dev/null || fail "le worker huey s'est arrêté"
say "réussi en $((SECONDS - START)) s"
