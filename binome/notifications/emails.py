"""Every e-mail has a subject, a text body and an HTML body, each from its own template.

Subjects never carry personal data: they name the kind of message, not the person or the child.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string

from binome.notifications.tasks import deliver_email


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


def send_email(*, template: str, to: list[str], context: dict) -> None:
    """Render now (templates may use objects), deliver in the background worker."""
    if _suppressed.get():
        return
    subject, text, html = render_email(template, context)
    deliver_email(subject=subject, text=text, html=html, to=list(to))
