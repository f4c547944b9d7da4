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
