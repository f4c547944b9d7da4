"""Tokens of the associations' own software, and the change feed they read.

A token belongs to an association, never to a person: it sees what the association's staff see
(`binome.api.access.ApiClient`), limited by its scopes. Only a digest is stored; the token itself is
shown once, when it is created.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from binome.utils.models import BaseModel

TOKEN_PREFIX = "bnm_"  # noqa: S105 — a prefix, not a secret


class Scope(models.TextChoices):
    PAIRS_READ = "pairs:read", "Lire les orientations reçues, les binômes et les binômes déclarés"
    PAIRS_WRITE = "pairs:write", "Déclarer des binômes (créer ou mettre à jour par vos identifiants)"
    MEETINGS_WRITE = "meetings:write", "Déclarer les rencontres du mois de vos binômes"
    REPORTS_WRITE = "reports:write", "Compléter le suivi mensuel (chiffres déclarés, avant transmission)"
    FIGURES_READ = "figures:read", "Lire les suivis mensuels et les indicateurs de l'association"


def hash_token(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough, and lets the lookup be one indexed query."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=at, association__is_active=True)


class ApiToken(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="association",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        limit_choices_to={"kind": "association"},
    )
    name = models.CharField("nom", max_length=100, help_text="Pour le reconnaître, ex. « Salesforce ».")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField("début du jeton", max_length=12, editable=False)
    scopes = models.JSONField("portées", default=list)
    expires_at = models.DateTimeField("expire le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.revoked_at:
            return "Révoqué"
        return "Actif" if self.expires_at > timezone.now() else "Expiré"

    def scope_labels(self) -> list[str]:
        return [Scope(s).label for s in self.scopes if s in Scope.values]


class EventKind(models.TextChoices):
    ORIENTATION = "orientation", "Orientation reçue"
    PAIR = "pair", "Binôme suivi dans Binôme"
    REPORTED_PAIRS = "reported_pairs", "Binômes ou rencontres déclarés"
    REPORT = "report", "Suivi mensuel"


class ChangeEvent(models.Model):
    """One change an association's software may want to pull: what changed (kind and opaque id), never
    the data itself — the client reads the object through its endpoint, where the usual rules apply.
    The sequential id is the feed's cursor; it is never shown in a page's URL."""

    id = models.BigAutoField(primary_key=True)
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    object_id = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "changement"
        indexes = [models.Index(fields=["association", "id"], name="api_event_assoc_id")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
