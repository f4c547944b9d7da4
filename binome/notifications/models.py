from django.db import models


class ReminderLog(models.Model):
    """One row per reminder sent: daily jobs never send the same reminder twice, even after a restart
    or when two workers run."""

    kind = models.CharField(max_length=40)
    object_id = models.UUIDField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "relance envoyée"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "due_on"], name="unique_reminder_log")
        ]

    def __str__(self):
        return f"{self.kind} {self.due_on}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Abandonné"


class OutboxEmail(models.Model):
    """One e-mail to send, written in the same transaction as the change it tells about
    (binome/notifications/outbox.py). Its key is unique: queuing the same message twice keeps one row.
    Once sent, its recipients and body are blanked: the row only keeps the key, so that a late
    duplicate is still recognised, until the sweep deletes it."""

    key = models.CharField(max_length=64)  # sha256 of the caller's idempotency key: no personal data
    subject = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    to = models.JSONField(default=list, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claim = models.UUIDField(null=True, blank=True)  # the sender working on it
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "e-mail à envoyer"
        constraints = [models.UniqueConstraint(fields=["key"], name="unique_outbox_key")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"
