#!/usr/bin/env bash
# scripts/backup.sh — one archive holding the database and the uploaded files (BINOME_PRIVATE_MEDIA_ROOT).
#
#   scripts/backup.sh                           → var/backups/binome-AAAAMMJJ-HHMMSS.tar.gz
#   scripts/backup.sh /srv/sauvegardes/binome.tar.gz
#
# PostgreSQL: pg_dump --format=custom (a consistent snapshot, the site keeps running).
# SQLite: the online backup API (consistent even while the web server and the worker write).
# The database is saved first, then the files: every file a saved row names is already on disk.
# It reads the site's own settings (DJANGO_SETTINGS_MODULE, DATABASE_URL, BINOME_VAR_DIR,
# BINOME_PRIVATE_MEDIA_ROOT). The archive holds personal data: it is readable by its owner only;
# encrypt it (age, gpg) before it leaves the machine. Restore with scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
umask 077
die() { echo "Sauvegarde impossible : $*" >&2; exit 1; }

settings="$("$PY" scripts/backup_lib.py settings)" || die "les réglages de Binôme ne se chargent pas (voir ci-dessus)."
eval "$settings"

archive="${1:-$VAR_DIR/backups/binome-$(date +%Y%m%d-%H%M%S).tar.gz}"
mkdir -p "$(dirname "$archive")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/binome-backup/private"

case "$DB_ENGINE" in
  postgresql)
    command -v pg_dump >/dev/null || die "pg_dump est introuvable (paquet postgresql-client de la même version que le serveur)."
    pg_dump --format=custom --no-owner --no-privileges --file="$work/binome-backup/database.pgdump" \
      || die "pg_dump a échoué (voir ci-dessus)."
    ;;
  sqlite)
    [ -f "$DB_NAME" ] || die "la base SQLite $DB_NAME n'existe pas."
    "$PY" scripts/backup_lib.py sqlite-copy "$DB_NAME" "$work/binome-backup/database.sqlite3"
    ;;
esac

if [ -d "$PRIVATE_ROOT" ]; then
  cp -a "$PRIVATE_ROOT/." "$work/binome-backup/private/"
fi
files="$(find "$work/binome-backup/private" -type f | wc -l)"
{
  echo "format=1"
  echo "engine=$DB_ENGINE"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo inconnu)"
  echo "files=$files"
} > "$work/binome-backup/MANIFEST"

tar -czf "$archive.partial" -C "$work" binome-backup
mv "$archive.partial" "$archive"
echo "Sauvegarde écrite : $archive ($DB_ENGINE, $files fichiers déposés, $(du -h "$archive" | cut -f1))."
