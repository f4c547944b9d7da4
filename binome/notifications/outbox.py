"""The e-mail outbox: every message is a row (`OutboxEmail`) written in the caller's transaction, so an
e-mail exists exactly when the change it tells about was committed, and survives a worker that dies.

huey on Redis pops a task and acknowledges nothing: a consumer killed mid-task loses it. So the task
(`tasks.send_outbox`) carries no message, it only wakes a sender, and the rows are the queue:

- `add` writes the row; its key (an idempotency key, unique) makes a second `add` of the same message
  a no-op.
- `send_due` claims due rows (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so two senders never
  take the same row nor wait for each other; SQLite, which serialises writers: one conditional
  UPDATE), sends each, marks it sent; a failure is retried later, with a growing delay, up to
  `MAX_ATTEMPTS`, then the row is left « failed » for the operator (`manage.py outbox`).
- `sweep` (every minute, `tasks.sweep_outbox`) puts back the rows claimed more than
  `BINOME_OUTBOX_STALE_MINUTES` ago and still not sent (their sender died), then sends what is due:
  rows whose wake-up task was lost (Redis down, consumer killed) go out within a minute or so.

Delivery is at least once: a sender killed between the SMTP server's « OK » and the UPDATE that marks
the row sent would send it again after the sweep. Every copy carries the same Message-ID (from the key),
which lets mail servers and clients recognise the duplicate.
"""

import datetime
import hashlib
import logging
import uuid
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from binome.notifications.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

BATCH = 10  # rows claimed at once by one sender: all a killed sender can hold up
MAX_ATTEMPTS = 8  # 1, 2, 4 … 64 minutes apart: about two hours of retries
KEEP_SENT = datetime.timedelta(days=30)  # keys of sent rows: a late duplicate is still recognised
KEEP_FAILED = datetime.timedelta(days=30)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.BINOME_OUTBOX_STALE_MINUTES)


def hashed_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add(*, subject: str, text: str, html: str, to: list[str], key: str | None = None) -> None:
    """Queue one message, in the current transaction. `key` names the message for its caller (the
    same key twice: one e-mail); without one, each call is a message of its own."""
    recipients = list(dict.fromkeys(to))
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                key=hashed_key(key or f"auto:{uuid.uuid4()}"),
                subject=subject[:300],
                text=text,
                html=html,
                to=recipients,
                recipients=len(recipients),
                next_attempt_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,  # the unique key: a double enqueue leaves one row
    )


def claim(limit: int = BATCH, now=None) -> tuple[uuid.UUID, list[int]]:
    """Take up to `limit` due rows for this sender. Returns its claim token and the rows' ids."""
    now = now or timezone.now()
    token = uuid.uuid4()
    due = OutboxEmail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by("id")
    taken = {"status": OutboxStatus.SENDING, "claim": token, "claimed_at": now, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            OutboxEmail.objects.filter(id__in=ids).update(**taken)
        return token, ids
    # SQLite: one writer at a time, so this conditional UPDATE takes each row for one sender only.
    candidates = list(due.values_list("id", flat=True)[:limit])
    OutboxEmail.objects.filter(id__in=candidates, status=OutboxStatus.PENDING).update(**taken)
    return token, list(
        OutboxEmail.objects.filter(id__in=candidates, claim=token).values_list("id", flat=True)
    )


def _message_id(row) -> str:
    domain = urlparse(settings.BINOME_SITE_URL).hostname or "binome.localhost"
    return f"<{row.key[:32]}@{domain}>"


def _error_label(error: Exception) -> str:
    """The kind of failure, never its text: an SMTP refusal quotes the recipient's address."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2 ** max(0, attempts - 1))


def deliver(pk: int, token: uuid.UUID, smtp=None) -> bool | None:
    """Send one claimed row (through `smtp`, a mail connection, when given). True when it went out,
    False when it failed (retried later), None when it is no longer this sender's."""
    row = OutboxEmail.objects.filter(pk=pk, claim=token, status=OutboxStatus.SENDING).first()
    if row is None:  # swept back and taken by another sender meanwhile
        return None
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        to=row.to,
        headers={"Message-ID": _message_id(row)},
        connection=smtp,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    mine = OutboxEmail.objects.filter(pk=pk, claim=token, status=OutboxStatus.SENDING)
    try:
        message.send()
    except Exception as error:  # SMTP down, refused, timed out: retried later, the row keeps the message
        now = timezone.now()
        gave_up = row.attempts >= MAX_ATTEMPTS
        mine.update(
            status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
            next_attempt_at=now + backoff(row.attempts),
            claim=None,
            last_error=_error_label(error),
        )
        logger.warning(
            "e-mail %s not sent (attempt %d%s): %s",
            row.pk,
            row.attempts,
            ", given up" if gave_up else "",
            _error_label(error),
        )
        return False
    # Sent: the addresses and the body are no longer needed (they may name people).
    mine.update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), claim=None, to=[], text="", html="", last_error=""
    )
    logger.info("e-mail %s sent (%d recipient(s))", row.pk, row.recipients)
    return True


def send_due(limit: int = BATCH) -> int:
    """Claim and send due rows until none is left, one mail connection per batch. After a failure the
    rest of the batch is put back untried and the sender stops: when the mail server is down, a
    sender must not hold rows for `EMAIL_TIMEOUT` each. Returns how many went out."""
    sent = 0
    while True:
        token, ids = claim(limit)
        if not ids:
            return sent
        smtp = get_connection()
        try:
            smtp.open()
        except Exception:  # each message then tries on its own, and its failure is recorded
            logger.warning("mail server unreachable", exc_info=True)
        try:
            for n, pk in enumerate(ids):
                outcome = deliver(pk, token, smtp)
                if outcome is False:
                    _put_back(ids[n + 1 :], token)
                    return sent
                sent += bool(outcome)
        finally:
            smtp.close()


def _put_back(ids: list[int], token: uuid.UUID) -> None:
    """Claimed but not tried: due again a minute later, the attempt not counted."""
    OutboxEmail.objects.filter(id__in=ids, claim=token, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.PENDING,
        claim=None,
        attempts=F("attempts") - 1,
        next_attempt_at=timezone.now() + backoff(1),
    )


def sweep(now=None) -> dict[str, int]:
    """Put back the rows whose sender died (claimed long ago, not sent), give up on those that have
    used their attempts, delete old sent and failed rows. Returns the counts."""
    now = now or timezone.now()
    abandoned = OutboxEmail.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - stale_after())
    counts = {
        "given_up": abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=OutboxStatus.FAILED, claim=None, last_error="sender stopped"
        ),
        "released": abandoned.update(status=OutboxStatus.PENDING, claim=None, next_attempt_at=now),
        "purged": OutboxEmail.objects.filter(status=OutboxStatus.SENT, sent_at__lt=now - KEEP_SENT).delete()[
            0
        ]
        + OutboxEmail.objects.filter(status=OutboxStatus.FAILED, created_at__lt=now - KEEP_FAILED).delete()[
            0
        ],
    }
    if counts["released"] or counts["given_up"]:
        logger.warning("outbox: %(released)d e-mail(s) put back, %(given_up)d given up", counts)
    return counts


def retry_failed() -> int:
    """The operator's retry, once the cause is fixed: failed rows are due again, with fresh attempts."""
    return OutboxEmail.objects.filter(status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


def counts() -> dict[str, int]:
    """How many rows in each state, every state named."""
    found = dict.fromkeys(OutboxStatus.values, 0)
    found.update(OutboxEmail.objects.order_by().values_list("status").annotate(n=Count("id")))
    return found
