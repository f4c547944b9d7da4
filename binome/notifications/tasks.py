import logging

from huey.contrib.djhuey import task

logger = logging.getLogger(__name__)


@task(retries=3, retry_delay=60)
def deliver_email(*, subject: str, text: str, html: str, to: list[str]) -> None:
    from binome.notifications.emails import build_message

    build_message(subject=subject, text=text, html=html, to=to).send()
    logger.info("e-mail sent (%d recipient(s))", len(to))
