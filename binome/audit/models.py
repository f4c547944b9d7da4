"""The access log: who read, exported or changed which personal record, and when. Never names."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Action(models.TextChoices):
    VIEW = "view", "Consultation"
    LIST = "list", "Consultation d'une liste"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Téléchargement d'un document"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user, membership):
        if user.is_staff:
            return self
        if membership is not None and membership.organisation.is_departement:
            return self.filter(
                Q(departement=membership.organisation) | Q(organisation=membership.organisation)
            )
        return self.none()


class AccessLog(models.Model):
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département concerné",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("action", max_length=10, choices=Action.choices)
    object_type = models.CharField("type d'objet", max_length=60)
    object_id = models.CharField("identifiant", max_length=40, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal d'accès"
        verbose_name_plural = "journal d'accès"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["departement", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_type}"
