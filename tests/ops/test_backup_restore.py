"""scripts/backup.sh then scripts/restore.sh into an empty database and folder: the same records and
files come back (issue 12, « Backups that restore »). Runs on the suite's engine (SQLite or PostgreSQL)."""

import hashlib
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from tests.conftest import build_world
from tests.mentors.factories import MentorFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Prints, for every model, its row count and a digest of its sorted primary keys.
SNAPSHOT = """
import hashlib, json, django
django.setup()
from django.apps import apps
out = {}
for model in apps.get_models():
    pks = sorted(str(pk) for pk in model._default_manager.using("default").values_list("pk", flat=True))
    out[model._meta.label] = [len(pks), hashlib.sha256("\\n".join(pks).encode()).hexdigest()[:16]]
from binome.youths.models import Youth
out["youth names"] = sorted(f"{y.first_name} {y.last_name}" for y in Youth.objects.all())
print(json.dumps(out))
"""


def _url(database: dict) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return (
        f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def _run(args, *, database_url, private_root):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url,
        BINOME_PRIVATE_MEDIA_ROOT=str(private_root),
        PYTHON=sys.executable,
    )
    return subprocess.run(args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)


def _snapshot(database_url, private_root):
    result = _run([sys.executable, "-c", SNAPSHOT], database_url=database_url, private_root=private_root)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _files(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield _url({"NAME": str(tmp_path / "restored" / "binome.sqlite3")})
        return
    import psycopg

    name = f"ops_restore_{uuid.uuid4().hex[:10]}"
    params = connection.settings_dict
    admin = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432, "user": params["USER"]}
    if params.get("PASSWORD"):
        admin["password"] = params["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    yield _url({**params, "NAME": name})
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_the_same_records_and_files(settings, tmp_path, empty_target):
    source_files = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(source_files), "base_url": None},
        },
    }
    world = build_world()
    for _ in range(3):
        YouthFactory(ready=True, ase_service=world["ase_service"])  # written consents with scans
    MentorFactory.create_batch(4, association=world["association"], ready=True)
    default_storage.save("agreements/2026/01/convention.pdf", ContentFile(bytes(range(256)) * 40))

    source_url = _url(connection.settings_dict)
    before = _snapshot(source_url, source_files)
    files_before = _files(source_files)
    assert before["youths.Youth"][0] == 3 and before["mentors.Mentor"][0] == 4
    assert before["youths.Consent"][0] >= 3 and len(files_before) >= 4

    archive = tmp_path / "sauvegarde.tar.gz"
    backup = _run(["scripts/backup.sh", str(archive)], database_url=source_url, private_root=source_files)
    assert backup.returncode == 0, backup.stderr[-3000:]
    assert "Sauvegarde écrite" in backup.stdout
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)

    restored_files = tmp_path / "restored" / "private"
    restore = _run(
        ["scripts/restore.sh", str(archive)], database_url=empty_target, private_root=restored_files
    )
    assert restore.returncode == 0, restore.stderr[-3000:]
    assert _snapshot(empty_target, restored_files) == before
    assert _files(restored_files) == files_before
    assert oct(restored_files.stat().st_mode & 0o777) == oct(0o700)

    again = _run(["scripts/restore.sh", str(archive)], database_url=empty_target, private_root=restored_files)
    assert again.returncode != 0
    assert "Restauration impossible" in again.stderr and "n'est pas vide" in again.stderr
