"""The e-mail outbox (binome/notifications/outbox.py): one row per message, written in the caller's
transaction, sent once by whichever sender claims it, put back when its sender died."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from django.utils import timezone
from freezegun import freeze_time
from huey.contrib.djhuey import HUEY

from binome.notifications import emails, outbox
from binome.notifications.models import OutboxEmail, OutboxStatus

pytestmark = pytest.mark.django_db


def _add(address, key=None):
    outbox.add(subject="[Binôme] Essai", text="Bonjour", html="<p>Bonjour</p>", to=[address], key=key)


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down for someone@example.org")


def test_a_double_enqueue_under_one_key_sends_one_mail():
    for _ in range(2):
        emails.queue(subject="S", text="T", html="<p>T</p>", to=["a@example.org"], key="invitation:42")
    assert OutboxEmail.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    # Without a key, two calls are two messages.
    emails.queue(subject="S", text="T", html="", to=["a@example.org"])
    emails.queue(subject="S", text="T", html="", to=["a@example.org"])
    assert len(mail.outbox) == 3


def test_a_sent_row_keeps_neither_addresses_nor_body_and_the_message_id_comes_from_the_key():
    _add("b@example.org", key="k")
    assert outbox.send_due() == 1
    row = OutboxEmail.objects.get()
    assert (row.status, row.to, row.text, row.html, row.recipients) == (OutboxStatus.SENT, [], "", "", 1)
    assert row.key == outbox.hashed_key("k") and "k" not in row.key
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{row.key[:32]}@localhost>"
    assert mail.outbox[0].alternatives[0][0] == "<p>Bonjour</p>"


def test_a_row_claimed_by_a_sender_that_died_is_sent_once_by_the_sweep():
    _add("c@example.org")
    dead_token, ids = outbox.claim()  # the sender takes it, then is killed before sending
    assert len(ids) == 1 and outbox.send_due() == 0 and mail.outbox == []
    now = timezone.now()
    minutes = datetime.timedelta(minutes=outbox.stale_after().total_seconds() / 60)
    with freeze_time(now + minutes - datetime.timedelta(seconds=30)):
        assert outbox.sweep()["released"] == 0  # not long enough: it may still be sending
    with freeze_time(now + minutes + datetime.timedelta(seconds=30)):
        assert outbox.sweep()["released"] == 1
        assert outbox.send_due() == 1
        assert outbox.sweep()["released"] == 0 and outbox.send_due() == 0
    # The dead sender's claim is void: were it only slow, it could not send the row again.
    assert outbox.deliver(ids[0], dead_token) is None
    assert [m.to for m in mail.outbox] == [["c@example.org"]]
    assert OutboxEmail.objects.get().attempts == 2


def test_a_failure_is_retried_later_with_a_growing_delay_then_left_for_the_operator(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    _add("d@example.org")
    start = timezone.now()
    with freeze_time(start):
        assert outbox.send_due() == 0
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.PENDING, 1, "ConnectionRefusedError")
    assert row.next_attempt_at == start + datetime.timedelta(minutes=1)
    assert row.to == ["d@example.org"] and row.text == "Bonjour"  # kept for the next attempt
    with freeze_time(start + datetime.timedelta(seconds=59)):
        assert outbox.claim()[1] == []  # not due yet
    at = start
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        at += datetime.timedelta(minutes=2 ** (attempt - 2))
        with freeze_time(at):
            outbox.send_due()
        assert OutboxEmail.objects.get().attempts == attempt
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.to == ["d@example.org"]
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 0, "failed": 1}
    # The operator fixes SMTP and retries: it leaves once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry_failed() == 1
    assert outbox.send_due() == 1 and len(mail.outbox) == 1


def test_after_a_failure_the_rest_of_the_batch_is_put_back_untried(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    for n in range(3):
        _add(f"batch-{n}@example.org")
    start = timezone.now()
    with freeze_time(start):
        assert outbox.send_due() == 0
    rows = list(
        OutboxEmail.objects.order_by("id").values_list("status", "attempts", "claim", "next_attempt_at")
    )
    assert rows == [
        (OutboxStatus.PENDING, 1, None, start + datetime.timedelta(minutes=1)),
        (OutboxStatus.PENDING, 0, None, start + datetime.timedelta(minutes=1)),
        (OutboxStatus.PENDING, 0, None, start + datetime.timedelta(minutes=1)),
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(start + datetime.timedelta(minutes=1)):
        assert outbox.send_due() == 3


def test_old_sent_and_failed_rows_are_deleted():
    _add("e@example.org")
    outbox.send_due()
    _add("f@example.org")
    OutboxEmail.objects.filter(status=OutboxStatus.PENDING).update(status=OutboxStatus.FAILED)
    with freeze_time(timezone.now() + datetime.timedelta(days=29)):
        assert outbox.sweep()["purged"] == 0
    with freeze_time(timezone.now() + datetime.timedelta(days=31)):
        assert outbox.sweep()["purged"] == 2
    assert not OutboxEmail.objects.exists()


@pytest.fixture
def queued_on_commit(monkeypatch):
    """As in production: the worker is woken when the transaction commits, not at once."""
    monkeypatch.setattr(HUEY, "immediate", False)
    woken = []
    monkeypatch.setattr(emails, "send_outbox", lambda: woken.append(1))
    return woken


def test_an_e_mail_exists_only_if_the_change_it_tells_about_was_committed(
    queued_on_commit, django_capture_on_commit_callbacks
):
    with pytest.raises(RuntimeError), transaction.atomic():
        emails.send_email(
            template="import_failed", to=["g@example.org"], context={"url": "/x/", "minutes": 5}
        )
        raise RuntimeError("the change fails")
    assert not OutboxEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_email(
            template="import_failed", to=["g@example.org"], context={"url": "/x/", "minutes": 5}
        )
    assert OutboxEmail.objects.filter(status=OutboxStatus.PENDING).count() == 1
    assert queued_on_commit == [1] and mail.outbox == []  # the worker sends it, not the request


def test_a_lost_wake_up_loses_nothing(monkeypatch, django_capture_on_commit_callbacks):
    """Redis down when the request commits: the row waits for the minute's sweep."""
    monkeypatch.setattr(HUEY, "immediate", False)

    def unreachable():
        raise ConnectionError("redis down")

    monkeypatch.setattr(emails, "send_outbox", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue(subject="S", text="T", html="", to=["h@example.org"])
    assert mail.outbox == []
    from binome.notifications.tasks import sweep_outbox

    sweep_outbox.call_local()
    assert [m.to for m in mail.outbox] == [["h@example.org"]]


class SlowBackend(EmailBackend):
    """Holds its claim a moment, so that the other senders claim meanwhile."""

    def send_messages(self, messages):
        threading.Event().wait(0.005)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_a_row_twice(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises its writers")
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.SlowBackend"
    addresses = [f"concurrent-{n}@example.org" for n in range(60)]
    for address in addresses:
        _add(address)
    start = threading.Barrier(3)
    sent, errors = [], []

    def sender():
        try:
            start.wait()
            sent.append(outbox.send_due())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(sent) == 60 and len(sent) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)  # each once
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 60


def test_the_operator_sees_the_states_and_retries_the_failed(settings, capsys):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    _add("i@example.org")
    outbox.send_due()
    OutboxEmail.objects.update(status=OutboxStatus.FAILED)
    call_command("outbox")
    shown = capsys.readouterr().out
    assert "Abandonné : 1" in shown and "À envoyer : 0" in shown
    assert "1 essai, ConnectionRefusedError" in shown and "example.org" not in shown
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("outbox", "--retry-failed")
    assert "1 e-mail abandonné remis en file." in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [["i@example.org"]]


def test_a_reminder_job_killed_half_way_marks_nothing_sent_and_the_next_run_sends(world, member, monkeypatch):
    """The reminders marked sent (ReminderLog) and their queued e-mails commit together."""
    from binome.accounts.digests import Digests
    from binome.accounts.models import Role
    from binome.mentors.tasks import daily_mentor_reminders
    from binome.notifications.models import ReminderLog
    from tests.mentors.factories import MentorFactory

    manager = member(Role.MANAGER)
    MentorFactory(
        association=world["association"], ready=True, honorability_valid_until=datetime.date(2026, 5, 1)
    )

    def dies(self):
        raise SystemExit("worker killed")

    with freeze_time("2026-03-02 07:40"):
        monkeypatch.setattr(Digests, "send", dies)
        with pytest.raises(SystemExit):
            daily_mentor_reminders.call_local()
        assert not ReminderLog.objects.exists() and not OutboxEmail.objects.exists()
        monkeypatch.undo()
        daily_mentor_reminders.call_local()
    assert ReminderLog.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]
