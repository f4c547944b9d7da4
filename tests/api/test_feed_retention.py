"""How far back the change feed goes: 90 days, swept every night; an older cursor answers 410."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from binome.api.access import TokenRateThrottle
from binome.api.feed import events_purge
from binome.api.models import ChangeEvent, EventKind


def event(association, at, kind=EventKind.PAIR):
    return ChangeEvent.objects.create(association=association, kind=kind, object_id="x", at=at)


NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def test_events_older_than_the_retention_are_swept_but_the_newest(world, settings):
    settings.BINOME_API_EVENTS_RETENTION_DAYS = 90
    association = world["association"]
    old = event(association, NOW - datetime.timedelta(days=91))
    kept = event(association, NOW - datetime.timedelta(days=89))
    assert events_purge(now=NOW) == 1
    assert list(ChangeEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ChangeEvent.objects.filter(pk=old.pk).exists()
    # Three quiet months: the newest stays, so that an older cursor can still be told expired.
    assert events_purge(now=NOW + datetime.timedelta(days=200)) == 0
    assert ChangeEvent.objects.get().pk == kept.pk


def test_a_cursor_older_than_the_retention_answers_410(world, api_for):
    ChangeEvent.objects.all().delete()
    association = world["association"]
    client = api_for(association, ["pairs:read"])
    first, second, third = (event(association, NOW - datetime.timedelta(days=d)) for d in (120, 100, 10))
    with freeze_time(NOW):
        events_purge()
        response = client.get(f"/api/v1/events/?after={first.pk}")  # the second was swept: unseen
        assert response.status_code == 410
        assert response.json()["code"] == "cursor_expired"
        assert response.json()["message"].startswith("Curseur expiré : les changements sont gardés 90 jours.")
        # The cursor just below the oldest kept lost nothing; « from the start » is what is kept.
        body = client.get(f"/api/v1/events/?after={second.pk}").json()
        assert [e["cursor"] for e in body["events"]] == [str(third.pk)]
        assert [e["cursor"] for e in client.get("/api/v1/events/").json()["events"]] == [str(third.pk)]


def test_a_quiet_associations_cursor_moves_up_and_never_expires(world, api_for, monkeypatch):
    # DRF's throttle keeps `time.time` as a class attribute, which several freeze_time in a row break.
    monkeypatch.setattr(TokenRateThrottle, "allow_request", lambda self, request, view: True)
    ChangeEvent.objects.all().delete()
    quiet, busy = world["association"], world["other_association"]
    client = api_for(quiet, ["pairs:read"])
    mine = event(quiet, NOW - datetime.timedelta(days=1))
    theirs = [event(busy, NOW - datetime.timedelta(hours=h)) for h in (20, 2)]
    recent = event(busy, NOW - datetime.timedelta(minutes=5))
    with freeze_time(NOW):
        body = client.get(f"/api/v1/events/?after={mine.pk - 1}").json()
    assert [e["cursor"] for e in body["events"]] == [str(mine.pk)]
    # Past the other association's event of two hours ago, not its recent one (an hour's margin).
    assert body["next"] == str(theirs[1].pk) and int(body["next"]) < recent.pk
    # Polling every so often, with nothing of its own: its own event is swept, its cursor is still good.
    for day in (50, 100):
        moment = NOW + datetime.timedelta(days=day)
        event(busy, moment - datetime.timedelta(days=1))
        events_purge(now=moment)
        with freeze_time(moment):
            response = client.get(f"/api/v1/events/?after={body['next']}")
        assert response.status_code == 200 and response.json()["events"] == [], day
        body = response.json()
    assert not ChangeEvent.objects.filter(pk=mine.pk).exists()
    # Not polling for longer than the retention: what was swept may have been its own.
    swept = event(busy, moment + datetime.timedelta(days=20))
    moment += datetime.timedelta(days=120)
    event(busy, moment - datetime.timedelta(days=1))
    events_purge(now=moment)
    with freeze_time(moment):
        assert client.get(f"/api/v1/events/?after={body['next']}").status_code == 410
    assert not ChangeEvent.objects.filter(pk=swept.pk).exists()


@pytest.mark.parametrize("after", ["abc", "-1", str(2**63), "1" + "0" * 30])
def test_an_unreadable_feed_cursor_answers_400(world, api, after):
    response = api.get("/api/v1/events/", {"after": after})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_the_sweep_is_scheduled_every_night(world, settings):
    from huey.contrib.djhuey import HUEY

    from binome.api import tasks

    settings.BINOME_API_EVENTS_RETENTION_DAYS = 30
    assert "nightly_purge_events" in {task.__name__ for task in HUEY._registry._periodic_tasks}
    event(world["association"], timezone.now() - datetime.timedelta(days=31))
    event(world["association"], timezone.now())
    tasks.nightly_purge_events.call_local()
    assert ChangeEvent.objects.count() == 1
