"""Delivery in the background worker. The message is built here from what `emails.send_email`
rendered, so this module needs nothing of emails.py (one-way: emails → tasks)."""

import logging

from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import task

logger = logging.getLogger(__name__)


@task(retries=3, retry_delay=60)
def deliver_email(*, subject: str, text: str, html: str, to: list[str]) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("e-mail sent (%d recipient(s))", len(to))
