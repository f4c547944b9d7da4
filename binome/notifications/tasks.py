"""The outbox's workers. A task carries no message: the rows are the queue (outbox.py), so a task
lost with a killed consumer loses nothing; the minute's sweep sends what it would have sent.
One-way: emails → tasks → outbox."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from binome.notifications import outbox


@db_task()
def send_outbox() -> None:
    """Woken after a commit that queued e-mails: send every due row."""
    outbox.send_due()


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Put back the e-mails of a sender that died, then send what is due (retries included)."""
    outbox.sweep()
    outbox.send_due()


@db_task()
def deliver_email(*, subject: str, text: str, html: str, to: list[str]) -> None:
    """Tasks queued by a release before the outbox: their message joins it. To be removed once
    every instance has drained its queue after upgrading."""
    outbox.add(subject=subject, text=text, html=html, to=to)
    outbox.send_due()
