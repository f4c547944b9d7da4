#!/usr/bin/env bash
# scripts/restore.sh — puts an archive of scripts/backup.sh back, into an EMPTY database and an EMPTY
# files folder (it refuses anything else, so that it never mixes two states of the site).
#
#   scripts/restore.sh var/backups/binome-20260101-031700.tar.gz
#
# It uses the site's own settings (DJANGO_SETTINGS_MODULE, DATABASE_URL, BINOME_PRIVATE_MEDIA_ROOT):
# point them at the new database and folder first. PostgreSQL: create the empty database
# (createdb -O binome binome), then run this script; SQLite: the database file must not exist yet.
# Afterwards: `manage.py migrate` if the code is newer than the archive, then log in and check.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
umask 077
die() { echo "Restauration impossible : $*" >&2; exit 1; }

archive="${1:-}"
[ -n "$archive" ] || die "indiquez l'archive à restaurer : scripts/restore.sh CHEMIN.tar.gz"
[ -f "$archive" ] || die "l'archive $archive est introuvable."
settings="$("$PY" scripts/backup_lib.py settings)" || die "les réglages de Binôme ne se chargent pas (voir ci-dessus)."
eval "$settings"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work" || die "l'archive $archive est illisible."
backup="$work/binome-backup"
[ -f "$backup/MANIFEST" ] || die "$archive n'est pas une sauvegarde de Binôme (MANIFEST absent)."
saved_engine="$(sed -n 's/^engine=//p' "$backup/MANIFEST")"
[ "$saved_engine" = "$DB_ENGINE" ] \
  || die "l'archive vient d'une base $saved_engine, les réglages visent une base $DB_ENGINE."

if [ -d "$PRIVATE_ROOT" ] && [ -n "$(find "$PRIVATE_ROOT" -mindepth 1 -type f -print -quit)" ]; then
  die "le dossier des fichiers déposés $PRIVATE_ROOT n'est pas vide : restaurez dans un dossier vide."
fi

case "$DB_ENGINE" in
  postgresql)
    tables="$(psql -XtAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" \
      || die "la base $PGDATABASE est inaccessible (créez-la vide d'abord : createdb $PGDATABASE)."
    [ "$tables" = "0" ] || die "la base $PGDATABASE n'est pas vide ($tables tables) : restaurez dans une base vide."
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="$PGDATABASE" "$backup/database.pgdump" || die "pg_restore a échoué (voir ci-dessus) ; rien n'a été écrit."
    ;;
  sqlite)
    tables="$("$PY" scripts/backup_lib.py sqlite-tables "$DB_NAME")"
    [ "$tables" = "0" ] || die "la base $DB_NAME n'est pas vide ($tables tables) : restaurez dans une base vide."
    mkdir -p "$(dirname "$DB_NAME")"
    rm -f "$DB_NAME"
    "$PY" scripts/backup_lib.py sqlite-copy "$backup/database.sqlite3" "$DB_NAME"
    ;;
esac

mkdir -p "$PRIVATE_ROOT"
chmod 0700 "$PRIVATE_ROOT"
cp -a "$backup/private/." "$PRIVATE_ROOT/"
files="$(find "$PRIVATE_ROOT" -type f | wc -l)"
echo "Restauré depuis $archive : base $DB_ENGINE, $files fichiers déposés dans $PRIVATE_ROOT."
if ! "$PY" manage.py migrate --check >/dev/null 2>&1; then
  echo "Le code est plus récent que la sauvegarde : lancez manage.py migrate." >&2
fi
