"""Helpers of scripts/backup.sh and scripts/restore.sh (standard library + the site's settings).

python scripts/backup_lib.py settings           shell assignments: engine, database, folders
python scripts/backup_lib.py sqlite-copy SRC DST  SQLite's online backup API (consistent while
                                                  the web server and the worker write)
python scripts/backup_lib.py sqlite-tables PATH   number of tables (0: an empty database)
"""

import os
import shlex
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def print_settings() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")  # as manage.py does
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = "postgresql" if "postgresql" in database["ENGINE"] else "sqlite"
    values = {
        "DB_ENGINE": engine,
        "DB_NAME": str(database["NAME"]),
        "PRIVATE_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    values["VAR_DIR"] = str(settings.VAR_DIR)
    if engine == "postgresql":
        # libpq's own variables: pg_dump, pg_restore and psql read them, whatever form DATABASE_URL took.
        values.update(
            PGDATABASE=str(database["NAME"]),
            PGHOST=str(database.get("HOST") or ""),
            PGPORT=str(database.get("PORT") or ""),
            PGUSER=str(database.get("USER") or ""),
            PGPASSWORD=str(database.get("PASSWORD") or ""),
        )
    for name, value in values.items():
        if name.startswith("PG") and not value:
            continue
        print(f"{'export ' if name.startswith('PG') else ''}{name}={shlex.quote(value)}")


def sqlite_copy(source: str, target: str) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    os.chmod(target, 0o600)


def sqlite_tables(path: str) -> None:
    if not Path(path).exists():
        print(0)
        return
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        print(connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    connection.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"settings": print_settings, "sqlite-copy": sqlite_copy, "sqlite-tables": sqlite_tables}[command](*args)
