"""How far back the change feed goes: events are kept `BINOME_API_EVENTS_RETENTION_DAYS` days (90), then
swept every night (`api.tasks.nightly_purge_events`); a cursor older than that answers 410.

The feed's cursor is an event's id, and ids grow with time. Everything below the oldest event kept is
gone, so a cursor more than one below it may have skipped a purged change: it is expired. The newest
event is never swept, so that this stays decidable on a platform quiet for three months."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from binome.api.models import ChangeEvent


def events_purge(*, days: int | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the events older than `days` days (the setting by default), the newest one excepted."""
    days = settings.BINOME_API_EVENTS_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    newest = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    deleted, _ = ChangeEvent.objects.filter(at__lt=cutoff, id__lt=newest).delete()
    return deleted


def cursor_expired(cursor: int) -> bool:
    """A cursor below the oldest event kept, with room for a change between: some may have been swept."""
    if cursor <= 0:
        return False  # « from the start »: from as far back as the feed goes
    oldest = ChangeEvent.objects.order_by("id").values_list("id", flat=True).first()
    return oldest is not None and cursor + 1 < oldest


def advanced_cursor(cursor: int, *, now: datetime.datetime) -> int:
    """On the feed's last page, the cursor given back moves up to the newest event an hour old, whatever
    its association: an association's software with nothing new for three months keeps a cursor that
    the sweep has not passed. An hour is far past any transaction still open (the usual 2 s wait is
    for those), so no event of the association below it can still appear."""
    settled = (
        ChangeEvent.objects.filter(at__lte=min(now - ADVANCE_AFTER, settled_before(now)))
        .order_by("-id")
        .values_list("id", flat=True)
    )
    return max(cursor, settled.first() or 0)


ADVANCE_AFTER = datetime.timedelta(hours=1)


# A change is recorded inside its transaction and gets its id there; it becomes visible only at the
# commit. Served at once, a change of a later id committed sooner would move a cursor past it.
EVENTS_SETTLE = datetime.timedelta(seconds=2)


def settled_before(now: datetime.datetime) -> datetime.datetime:
    """Changes recorded before this instant are all committed (or rolled back): the feed serves only
    those. `EVENTS_SETTLE` covers the ordinary short transaction and the clocks of several web
    servers; on PostgreSQL the oldest transaction still open that has written anything (an import
    of 10,000 pairs takes seconds) holds the bound further back, for as long as it runs. That reads
    `pg_stat_activity`, which shows the application role its own sessions: every Binôme process
    connects with the same role."""
    bound = now - EVENTS_SETTLE
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
            oldest = cursor.fetchone()[0]
        if oldest is not None:
            bound = min(bound, oldest - EVENTS_SETTLE)
    return bound
