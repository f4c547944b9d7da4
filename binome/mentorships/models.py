"""The pair (binôme): created when a coordinator validates a matching proposal, then carried by its
agreement, meetings and follow-up to its closure.

Time to match is kept on the pair itself (referral accepted → pair proposed → pair validated → pair
started) so the steering indicators read it without replaying the timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.models import Role
from binome.utils.models import BaseModel


class MentorshipState(models.TextChoices):
    AGREEMENT = "agreement", "Convention à signer"
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Clôturé"


OPEN_STATES = (MentorshipState.AGREEMENT, MentorshipState.ACTIVE)


class MentorshipQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The association sees its pairs; the ASE referrer the pairs of the youths of their service;
        the département's staff see pairs through aggregates and pseudonymised lists only."""
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role in (Role.MANAGER, Role.COORDINATOR):
            return self.filter(association=org)
        if membership.role == Role.REFERRER:
            return self.filter(youth__ase_service=org)
        if membership.role in (Role.PILOT, Role.VIEWER):
            return self.filter(departement=org)
        return self.none()

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Mentorship(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="mentorships"
    )
    departement = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    youth = models.ForeignKey("youths.Youth", on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="mentorships")
    referral = models.ForeignKey(
        "youths.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentorships"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chargé·e de mentorat",
    )
    state = models.CharField(
        "état", max_length=12, choices=MentorshipState.choices, default=MentorshipState.AGREEMENT
    )
    is_renewal = models.BooleanField("reconduction", default=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name="binôme précédent",
    )
    # Time to match, for the steering indicators.
    referral_accepted_at = models.DateTimeField("orientation acceptée le", null=True, blank=True)
    proposed_at = models.DateTimeField("binôme proposé le", null=True, blank=True)
    validated_at = models.DateTimeField("binôme validé le", default=timezone.now)
    started_at = models.DateField("binôme démarré le", null=True, blank=True)
    ended_at = models.DateField("binôme clôturé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = "binôme"
        ordering = ["-validated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(state__in=["agreement", "active"]),
                name="one_open_mentorship_per_youth",
                violation_error_message="Ce jeune a déjà un binôme en cours.",
            )
        ]
        indexes = [
            models.Index(fields=["association", "state"]),
            models.Index(fields=["departement", "state"]),
        ]

    def __str__(self):
        return f"Binôme {self.youth.first_name} – {self.mentor.first_name}"

    @property
    def days_to_propose(self) -> int | None:
        if self.referral_accepted_at and self.proposed_at:
            return max(0, (self.proposed_at - self.referral_accepted_at).days)
        return None

    @property
    def days_to_start(self) -> int | None:
        if self.referral_accepted_at and self.started_at:
            return max(0, (self.started_at - timezone.localdate(self.referral_accepted_at)).days)
        return None
