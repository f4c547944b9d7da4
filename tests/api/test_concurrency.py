"""Two batches of one association at the same moment: the second waits for the first, never a 500."""

import contextlib
import datetime
import threading

import pytest
from django.db import IntegrityError, connection

from binome.api import endpoints
from binome.reporting.models import ReportedPair
from tests.api.test_endpoints import pair_item


def test_a_constraint_broken_while_writing_answers_409_conflict(world, api, monkeypatch):
    def collide(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "unique_reported_pair"')

    monkeypatch.setattr(endpoints, "reported_data_save", collide)
    response = api.post("/api/v1/reported-pairs/", {"pairs": [pair_item()]}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["message"].startswith("Un autre envoi a modifié les mêmes binômes")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_batches_creating_the_same_pair_at_once_both_succeed(e2e_world, api_for, monkeypatch):
    from django.db.models import QuerySet

    clients = [api_for(e2e_world["association"]) for _ in range(2)]
    # Both batches read « CRM-1 is new », then meet here before writing: without the association's lock
    # both would create it. With it, the second never gets here before the first has committed.
    barrier = threading.Barrier(2, timeout=3)
    bulk_create = QuerySet.bulk_create

    def meet_then_create(self, objs, *args, **kwargs):
        if self.model is ReportedPair:
            with contextlib.suppress(threading.BrokenBarrierError):  # the other one waits for the lock
                barrier.wait()
        return bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", meet_then_create)
    statuses = []

    def post(client):
        try:
            statuses.append(client.post("/api/v1/reported-pairs/", {"pairs": [pair_item()]}, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in statuses) == [200, 200], [r.content[:200] for r in statuses]
    assert sorted((r.json()["pairs_created"], r.json()["pairs_unchanged"]) for r in statuses) == [
        (0, 1),
        (1, 0),
    ]
    assert ReportedPair.objects.filter(external_id="CRM-1").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="transactions run side by side on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_a_change_still_being_written_is_not_jumped_over_by_a_later_one(e2e_world, api_for, monkeypatch):
    """A long transaction (an import) records its change first and commits last: the feed must not serve
    the later change before it, or a client's cursor would move past the import's for good."""
    from django.db import transaction

    from binome.api import feed
    from binome.api.models import ChangeEvent, EventKind
    from binome.api.services import event_record

    monkeypatch.setattr(feed, "EVENTS_SETTLE", datetime.timedelta(0))
    association = e2e_world["association"]
    client = api_for(association, ["pairs:read", "reports:write", "figures:read"])
    recorded, release = threading.Event(), threading.Event()

    def long_import():
        try:
            with transaction.atomic():
                event_record(association_id=association.pk, kind=EventKind.REPORTED_PAIRS)
                recorded.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=long_import)
    thread.start()
    try:
        assert recorded.wait(timeout=10)
        event_record(association_id=association.pk, kind=EventKind.REPORTED_PAIRS)  # committed at once
        page = client.get("/api/v1/events/").json()
        assert page["events"] == [] and page["next"] == "0"  # neither: the first may still commit
    finally:
        release.set()
        thread.join()
    ids = sorted(ChangeEvent.objects.values_list("id", flat=True))
    page = client.get("/api/v1/events/").json()
    assert [int(e["cursor"]) for e in page["events"]] == ids and len(ids) == 2
