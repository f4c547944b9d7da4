# ruff: noqa: S603, S608 -- names of tables and columns come from sqlite_master; the command is manage.py
"""The demo département, built once through the services and kept as a SQLite file (issue 15: a first
start in seconds).

`manage.py demo_snapshot --write` migrates a fresh SQLite database in a temporary folder, builds the
demo there through the services (`builders`, `mentors`, `pairs`: about a minute), and stores the file,
compressed, in `binome/demo/snapshot/`, with `demo.json`: when it was built, the migrations it holds
(each with a hash of its file) and how many rows each table has.

A first `./run` (no database yet) starts from a copy of that file (`restore_file`) before `migrate`; a
`seed_demo` on an empty, migrated SQLite database copies its rows (`restore_rows`). Either way every
date and time moves forward by the days since the snapshot was built, so « routed 3 days ago » stays
3 days ago; a moment that was past when it was built never ends up after now. The monthly reporting,
tied to calendar months and due days, is not in the snapshot: `seed_demo` builds it on the day
(`reporting.build_reporting`). The snapshot is used only when its migrations are exactly the ones on
disk (`restore_rows`) or all still there unchanged (`restore_file`: `migrate` then applies the newer
ones); otherwise the demo is built through the services as before. `tests/demo/test_snapshot.py`
checks it is current: same migrations, and the same rows per table as a build through the services.
"""

import datetime
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FOLDER = Path(__file__).resolve().parent / "snapshot"
SNAPSHOT = FOLDER / "demo.sqlite3.gz"
META = FOLDER / "demo.json"
# Tables never copied: Django's own bookkeeping (the migrations applied, identical content types and
# permissions, sessions, the cache).
SKIPPED = {"django_migrations", "django_content_type", "auth_permission", "django_session", "binome_cache"}
SQLITE_TIME = "%Y-%m-%d %H:%M:%f"  # SQLite's strftime: milliseconds


# --- What the snapshot holds ------------------------------------------------------------------------


def migrations_on_disk() -> dict[str, str]:
    """Every migration of every installed app ("app.name") with a hash of its file."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    found = {}
    for (app, name), migration in loader.disk_migrations.items():
        path = Path(sys.modules[migration.__module__].__file__)
        found[f"{app}.{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return dict(sorted(found.items()))


def read_meta() -> dict | None:
    if not (SNAPSHOT.exists() and META.exists()):
        return None
    return json.loads(META.read_text(encoding="utf-8"))


def stale_migrations(meta: dict, on_disk: dict[str, str]) -> list[str]:
    """Migrations of the snapshot missing from disk or changed since: the snapshot cannot be used."""
    return sorted(name for name, digest in meta["migrations"].items() if on_disk.get(name) != digest)


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not name.startswith("sqlite_") and name not in SKIPPED
    ]
    return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


# --- Writing it (manage.py demo_snapshot --write) ------------------------------------------------------


def write(stdout=sys.stdout) -> dict:
    """Build the demo in a fresh SQLite database through the services and keep the file."""
    with tempfile.TemporaryDirectory(prefix="binome-snapshot-") as folder:
        os.chmod(folder, 0o700)
        env = {
            **os.environ,
            "BINOME_VAR_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "BINOME_DEMO": "1",
        }
        env.pop("DATABASE_URL", None)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        for command in (["migrate", "--noinput", "-v0"], ["demo_snapshot", "--build-here"]):
            stdout.write(f"… {' '.join(command)}\n")
            subprocess.run([*manage, *command], env=env, check=True, cwd=settings.BASE_DIR)
        path = Path(folder) / "binome.sqlite3"
        db = sqlite3.connect(path, isolation_level=None)
        try:
            built_at = db.execute("SELECT value FROM demo_snapshot_info WHERE key = 'built_at'").fetchone()[0]
            db.execute("DROP TABLE demo_snapshot_info")
            db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            db.execute("VACUUM")
            counts = table_counts(db)
        finally:
            db.close()
        FOLDER.mkdir(exist_ok=True)
        with open(path, "rb") as source, gzip.GzipFile(SNAPSHOT, "wb", mtime=0) as target:
            shutil.copyfileobj(source, target)
    meta = {"built_at": built_at, "migrations": migrations_on_disk(), "rows": counts}
    META.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def build_here() -> None:
    """In the temporary database: the demo through the services, the reporting months excepted."""
    from binome.demo.builders import build_demo
    from binome.demo.pairs import build_pairs

    world = build_demo()
    build_pairs(world)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE demo_snapshot_info (key TEXT PRIMARY KEY, value TEXT)")
        cursor.execute("INSERT INTO demo_snapshot_info VALUES ('built_at', %s)", [timezone.now().isoformat()])


# --- Using it -----------------------------------------------------------------------------------------


def _unpacked(folder: str, meta: dict, now: datetime.datetime) -> Path:
    """The snapshot, uncompressed into `folder`, its dates moved to today."""
    path = Path(folder) / "demo.sqlite3"
    with gzip.open(SNAPSHOT, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    db = sqlite3.connect(path)
    try:
        with db:
            shift_dates(db, datetime.datetime.fromisoformat(meta["built_at"]), now)
    finally:
        db.close()
    return path


def shift_dates(db: sqlite3.Connection, built_at: datetime.datetime, now: datetime.datetime) -> int:
    """Move every date and time forward by the whole days between the build and now. Dates and times
    keep their weekday offset and hour; a moment that was past at the build but would now fall after
    `now` (it was a few hours before the build) becomes `now`. Returns the days moved."""
    days = (timezone.localdate(now) - timezone.localdate(built_at)).days
    if days == 0:
        return 0
    shift = f"{days:+d} days"
    built = _as_stored(built_at)
    moment = _as_stored(now)
    tables = [
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_") and name not in SKIPPED
    ]
    for table in tables:
        for _cid, column, kind, *_rest in db.execute(f'PRAGMA table_info("{table}")').fetchall():
            kind = kind.lower()
            if kind == "date":
                db.execute(f'UPDATE "{table}" SET "{column}" = date("{column}", ?)', [shift])
            elif kind == "datetime":
                moved = f"strftime('{SQLITE_TIME}', \"{column}\", ?)"
                db.execute(
                    f'UPDATE "{table}" SET "{column}" = CASE WHEN "{column}" <= ? '
                    f'THEN min({moved}, ?) ELSE {moved} END WHERE "{column}" IS NOT NULL',
                    [built, shift, moment, shift],
                )
    return days


def _as_stored(moment: datetime.datetime) -> str:
    """How Django writes an aware datetime into SQLite (UTC, no offset)."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def restore_file(path: Path, now: datetime.datetime | None = None) -> bool:
    """A first start: no database yet. Start it from the snapshot if its migrations are all still on
    disk unchanged (`migrate` then applies the newer ones). Returns whether it did."""
    meta = read_meta()
    if path.exists() or meta is None or stale_migrations(meta, migrations_on_disk()):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="binome-demo-", dir=path.parent) as folder:
        unpacked = _unpacked(folder, meta, now or timezone.now())
        os.replace(unpacked, path)
    return True


def usable_for_rows(meta: dict | None) -> bool:
    """The migrated, still empty SQLite database has exactly the snapshot's migrations."""
    if meta is None or connection.vendor != "sqlite":
        return False
    on_disk = migrations_on_disk()
    if stale_migrations(meta, on_disk) or set(meta["migrations"]) != set(on_disk):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {f"{app}.{name}" for app, name in cursor.fetchall()}
        if applied != set(meta["migrations"]):
            return False
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM accounts_user) + (SELECT COUNT(*) FROM accounts_organisation)"
        )
        return cursor.fetchone()[0] == 0


def restore_rows(now: datetime.datetime | None = None) -> bool:
    """`seed_demo` on an empty, migrated SQLite database: copy the snapshot's rows into it (inside the
    current transaction). Returns whether it did."""
    meta = read_meta()
    if not usable_for_rows(meta):
        return False
    with tempfile.TemporaryDirectory(prefix="binome-demo-") as folder:
        source = sqlite3.connect(_unpacked(folder, meta, now or timezone.now()))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for table in ("django_content_type", "auth_permission"):
                    cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')
                    if cursor.fetchall() != source.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall():
                        return False
                for table in table_counts(source):
                    columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
                    names = ", ".join(f'"{c}"' for c in columns)
                    cursor.execute(f'DELETE FROM "{table}"')
                    rows = source.execute(f'SELECT {names} FROM "{table}"').fetchall()
                    if rows:
                        marks = ", ".join(["%s"] * len(columns))
                        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        finally:
            source.close()
    return True


def ensure_files() -> int:
    """The scans the demo's rows name (consents, pair agreements), written where they are missing: a
    restored database comes without the build's files. Returns how many were written."""
    from django.apps import apps
    from django.db.models import FileField

    from binome.demo.builders import DEMO_SCAN

    written = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, FileField):
                continue
            names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            for name in set(names):
                if name and not field.storage.exists(name):
                    field.storage.save(name, ContentFile(DEMO_SCAN))
                    written += 1
    return written


def existing_world():
    """The demo as a complete run of the builders left it, or None when something is missing. Each
    builder is one transaction: one of its rows means all of them."""
    from binome.accounts.models import Organisation, OrganisationKind, User
    from binome.demo.builders import ASE_SERVICES, ASSOCIATIONS, DEPARTEMENT_CODE, PEOPLE
    from binome.demo.pairs import EXTERNAL_PREFIX
    from binome.demo.world import DemoWorld
    from binome.youths.models import Youth

    departement = Organisation.objects.filter(
        kind=OrganisationKind.DEPARTEMENT, insee_code=DEPARTEMENT_CODE
    ).first()
    if departement is None:
        return None
    youths = Youth.objects.filter(departement=departement)
    if not (
        youths.filter(external_id="DEMO-0001").exists()  # builders.build_youths
        and youths.filter(external_id__startswith=EXTERNAL_PREFIX).exists()  # pairs.build_pairs
    ):
        return None
    associations = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)}
    services = {o.name: o for o in Organisation.objects.filter(departement=departement)}
    users = {u.email: u for u in User.objects.filter(email__in=[person[0] for person in PEOPLE])}
    association_names = [name for name, *_rest in ASSOCIATIONS]
    service_names = [name for name, *_rest in ASE_SERVICES]
    if not (
        set(association_names) <= set(associations)
        and set(service_names) <= set(services)
        and len(users) == len(PEOPLE)
    ):
        return None
    return DemoWorld(
        departement=departement,
        associations=[associations[name] for name in association_names],
        ase_services=[services[name] for name in service_names],
        territories=list(departement.territories.all()),
        users=users,
    )
