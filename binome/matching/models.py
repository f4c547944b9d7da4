"""Matching proposals and the weights each association gives to the criteria.

A proposal is a youth–mentor pair suggested by the batch solver or chosen by a coordinator from a
ranked list. It stays *pending* until a person accepts it (the pair is created) or rejects it with a
reason; a rejected pair is never proposed again. Recomputing a pool supersedes the pending ones.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.perms import ASSOCIATION_ROLES
from binome.matching.scoring import CRITERIA_LABELS, DEFAULT_WEIGHTS
from binome.utils.models import BaseModel, OrganisationSettings


def _weight(key):
    return models.DecimalField(
        CRITERIA_LABELS[key],
        max_digits=3,
        decimal_places=1,
        default=DEFAULT_WEIGHTS[key],
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="De 0 (ignoré) à 10.",
    )


class MatchingWeights(OrganisationSettings):
    """How much each criterion counts for one association: a policy choice, visible and editable."""

    association = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="matching_weights"
    )
    distance = _weight("distance")
    availability = _weight("availability")
    objectives = _weight("objectives")
    modality = _weight("modality")
    age_gap = _weight("age_gap")
    gender = _weight("gender")
    interests = _weight("interests")
    languages = _weight("languages")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pondération des critères"

    organisation_field = "association"

    def __str__(self):
        return f"Pondération — {self.association}"

    def as_dict(self) -> dict:
        return {key: float(getattr(self, key)) for key in DEFAULT_WEIGHTS}


class ProposalState(models.TextChoices):
    PENDING = "pending", "À valider"
    ACCEPTED = "accepted", "Validée"
    REJECTED = "rejected", "Écartée"
    SUPERSEDED = "superseded", "Remplacée par un nouveau calcul"


class RejectReason(models.TextChoices):
    DISTANCE = "distance", "Trop loin ou trajet compliqué"
    AVAILABILITY = "availability", "Disponibilités incompatibles en pratique"
    PROFILE = "profile", "Profils qui ne vont pas ensemble"
    YOUTH_WISH = "youth_wish", "Souhait du jeune"
    MENTOR_WISH = "mentor_wish", "Souhait du mentor"
    KNOWN = "known", "Ils se connaissent déjà (même structure, famille…)"
    OTHER = "other", "Autre motif"


class ProposalBatch(BaseModel):
    """One run of the solver over a waiting pool: what it saw and what it found."""

    # An association's calculation covers all the départements it works for (departement empty);
    # a département's covers all its associations (association empty).
    departement = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    n_youths = models.PositiveIntegerField("jeunes en attente", default=0)
    n_mentors = models.PositiveIntegerField("mentors disponibles", default=0)
    n_candidates = models.PositiveIntegerField("paires possibles", default=0)
    n_held = models.PositiveIntegerField("jeunes déjà proposés à la main", default=0)
    matched = models.PositiveIntegerField("binômes proposés", default=0)
    total_score = models.FloatField("score total", default=0)
    greedy_matched = models.PositiveIntegerField("binômes d'un tri glouton", default=0)
    optimal = models.BooleanField("optimum prouvé", default=False)
    seconds = models.FloatField("durée du calcul (s)", default=0)

    class Meta:
        verbose_name = "calcul de propositions"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Calcul du {self.created_at:%d/%m/%Y %H:%M}"


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if membership is None or membership.role not in ASSOCIATION_ROLES:
            return self.none()
        return self.filter(association=membership.organisation)

    def pending(self):
        """Waiting for a decision, for a youth still waiting (a withdrawn referral drops them)."""
        return self.filter(state=ProposalState.PENDING, referral__state="accepted")


class Proposal(BaseModel):
    association = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey("youths.Referral", on_delete=models.CASCADE, related_name="proposals")
    youth = models.ForeignKey("youths.Youth", on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.CASCADE, related_name="proposals")
    batch = models.ForeignKey(
        ProposalBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    state = models.CharField(
        "état", max_length=12, choices=ProposalState.choices, default=ProposalState.PENDING, db_index=True
    )
    proposed_at = models.DateTimeField("proposée le", default=timezone.now)
    score = models.FloatField("score")
    breakdown = models.JSONField("détail du score", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField("motif", max_length=20, choices=RejectReason.choices, blank=True)
    reject_comment = models.CharField("précisions", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition de binôme"
        ordering = ["-score"]
        constraints = [
            # A pair is proposed once: a rejected pair is never proposed again.
            models.UniqueConstraint(fields=["youth", "mentor"], name="one_proposal_per_pair"),
        ]
        indexes = [models.Index(fields=["association", "state"])]

    def __str__(self):
        return f"Proposition {self.get_state_display()}"
