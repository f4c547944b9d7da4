"""Every e-mail has a subject, a text body and an HTML body, each from its own template.

Subjects never carry personal data: they name the kind of message, not the person or the child.
"""

import contextvars
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.template import Context, engines
from django.template.loader import render_to_string
from huey.contrib.djhuey import HUEY

from binome.notifications import outbox
from binome.notifications.tasks import send_outbox

logger = logging.getLogger(__name__)


def _render_plain(name: str, context: dict) -> str:
    """Plain text is not HTML: no escaping, so « d'honorabilité » stays readable."""
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    context = {
        "brand_name": settings.BINOME_BRAND_NAME,
        "site_url": settings.BINOME_SITE_URL.rstrip("/"),
        **context,
    }
    subject = _render_plain(f"emails/{template}_subject.txt", context).strip().replace("\n", " ")
    text = _render_plain(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", text, html


_suppressed = contextvars.ContextVar("binome_emails_suppressed", default=False)


@contextmanager
def suppressed():
    """No e-mail leaves inside this block: for building demo history, never for real work."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def send_email(*, template: str, to: list[str], context: dict, key: str | None = None) -> None:
    """Render now (templates may use objects), deliver in the background worker. The message joins
    the outbox in the caller's transaction: it leaves only if that transaction commits, and it
    leaves even if the worker that first takes it dies. `key`: see `queue`."""
    if _suppressed.get():
        return
    subject, text, html = render_email(template, context)
    queue(subject=subject, text=text, html=html, to=to, key=key)


def queue(*, subject: str, text: str, html: str, to: list[str], key: str | None = None) -> None:
    """Queue a rendered message (outbox.add) and wake a sender once the transaction commits.
    `key` names the message for its caller: queued twice under one key, it is sent once."""
    outbox.add(subject=subject, text=text, html=html, to=list(to), key=key)
    if HUEY.immediate:
        outbox.send_due()  # tests: huey runs tasks in-process, the e-mail is in mail.outbox at once
    else:
        transaction.on_commit(_wake)


def _wake() -> None:
    try:
        send_outbox()
    except Exception:  # the queue unreachable: the row waits for the minute's sweep
        logger.warning("outbox sender not woken; the sweep will send the e-mail", exc_info=True)


def tell_import_failed(job, url: str, minutes: int) -> None:
    """The person who uploaded a file whose import died twice (utils.jobs.sweep): where to see it."""
    if job.uploaded_by_id and job.uploaded_by.email:
        send_email(
            template="import_failed", to=[job.uploaded_by.email], context={"url": url, "minutes": minutes}
        )
