"""The demo snapshot (binome/demo/snapshot.py): current with the migrations and the builders, and a
demo copied from it weeks later is as believable as one built that day.

When one of these fails after a change of models or of the demo builders:
    manage.py demo_snapshot --write   (about a minute: migrate and the builders in a fresh SQLite file)
"""

import datetime
import gzip
import sqlite3

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import User
from binome.demo import snapshot
from binome.mentorships.models import Meeting
from binome.youths.models import Youth, YouthEvent
from tests.demo.test_seed_demo import assert_believable_demo

REBUILD = "instantané périmé : manage.py demo_snapshot --write"


def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the snapshot is a SQLite file; PostgreSQL builds the demo through the services")


def test_the_snapshot_holds_exactly_the_migrations_on_disk():
    meta = snapshot.read_meta()
    assert meta is not None, REBUILD
    assert meta["migrations"] == snapshot.migrations_on_disk(), REBUILD


def table_counts() -> dict[str, int]:
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in snapshot.SKIPPED
    ]
    return {m._meta.db_table: m._base_manager.count() for m in models}


def test_a_build_through_the_services_has_the_rows_of_the_snapshot(db):
    sqlite_only()
    from binome.demo.builders import build_demo
    from binome.demo.pairs import build_pairs

    meta = snapshot.read_meta()
    # On the snapshot's day (the clock running): the demo's calendar (months, weekdays) is the same.
    with freeze_time(datetime.datetime.fromisoformat(meta["built_at"]), tick=True):
        build_pairs(build_demo())
    expected = meta["rows"]
    counts = table_counts()
    differ = {t: (counts.get(t), n) for t, n in expected.items() if counts.get(t) != n}
    differ.update({t: (n, None) for t, n in counts.items() if t not in expected and n})
    assert not differ, f"{REBUILD} — table: (build, snapshot) {differ}"


def test_seed_demo_copies_the_snapshot_weeks_later_and_the_demo_stays_believable(db):
    sqlite_only()
    built_at = datetime.datetime.fromisoformat(snapshot.read_meta()["built_at"])
    # 40 days and 5 hours later: the days move, the hours of the build's last moments would be ahead.
    later = built_at + datetime.timedelta(days=40, hours=5)
    with freeze_time(later):
        assert snapshot.usable_for_rows(snapshot.read_meta()), REBUILD
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        now = timezone.now()
        assert Youth.objects.filter(external_id__startswith="DEMO-").count() > 300
        # Every moment moved by 40 days, none after now; a date of the build is 40 days later.
        assert not YouthEvent.objects.filter(at__gt=now).exists()
        assert YouthEvent.objects.filter(at__gt=now - datetime.timedelta(days=2)).exists()
        assert not User.objects.filter(date_joined__gt=now).exists()
        assert Meeting.objects.filter(at__gt=now - datetime.timedelta(days=14), at__lte=now).exists()
        assert_believable_demo()
        # A second seed_demo adds nothing.
        before = table_counts()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert table_counts() == before


def test_a_new_sqlite_database_starts_from_the_snapshot_three_days_later(tmp_path):
    meta = snapshot.read_meta()
    built_at = datetime.datetime.fromisoformat(meta["built_at"])
    with gzip.open(snapshot.SNAPSHOT) as source:
        (tmp_path / "raw.sqlite3").write_bytes(source.read())
    path = tmp_path / "binome.sqlite3"
    assert snapshot.restore_file(path, now=built_at + datetime.timedelta(days=3))
    assert not snapshot.restore_file(path)  # never over an existing database

    def first_youth(name):
        db = sqlite3.connect(tmp_path / name)
        row = db.execute(
            "SELECT birth_date, created_at FROM youths_youth WHERE external_id = 'DEMO-0001'"
        ).fetchone()
        applied = {f"{app}.{name}" for app, name in db.execute("SELECT app, name FROM django_migrations")}
        db.close()
        return [datetime.date.fromisoformat(row[0]), datetime.datetime.fromisoformat(row[1])], applied

    (raw_birth, raw_created), _applied = first_youth("raw.sqlite3")
    (birth, created), applied = first_youth("binome.sqlite3")
    assert applied == set(meta["migrations"])
    # Three days later by hand: the date of birth (the age stays) and a moment weeks before the build.
    assert birth == raw_birth + datetime.timedelta(days=3)
    assert created == raw_created + datetime.timedelta(days=3)
