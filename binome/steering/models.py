"""What a département adapts in its steering, without code (toolkit p. 8): the indicators it hides,
the indicators it adds from its own reference lists, and which of its communes are rural (for the share
of youths living in a rural commune). Figures are never stored here: they are computed on the fly."""

from django.conf import settings
from django.db import models

from binome.utils.models import BaseModel, OrganisationSettings

# The reference lists a département's own indicator may count by, and the breakdown that counts them.
CUSTOM_KINDS = {"school_level": "school_level", "care_measure": "care_measure", "objective": "objective"}


class SteeringSettings(OrganisationSettings, BaseModel):
    organisation_field = "departement"

    departement = models.OneToOneField(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="steering_settings",
        limit_choices_to={"kind": "departement"},
    )
    hidden_indicators = models.JSONField(
        "indicateurs masqués",
        default=list,
        blank=True,
        help_text="Clés des indicateurs que le département n'utilise pas : absents du tableau de bord, du "
        "tableau de pilotage et du dossier du Cotech.",
    )
    rural_communes = models.ManyToManyField(
        "territories.Commune",
        verbose_name="communes rurales",
        blank=True,
        related_name="+",
        help_text="Communes peu denses ou très peu denses selon la grille communale de densité de l'INSEE.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "réglages du pilotage"

    def __str__(self):
        return f"Réglages du pilotage — {self.departement}"

    @property
    def hidden(self) -> set[str]:
        return set(self.hidden_indicators or [])


class CustomIndicator(BaseModel):
    """A département's own indicator: the youths accompanied during the period whose value in one of its
    reference lists (school level, ASE measure, objective) is a given item."""

    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="custom_indicators",
        limit_choices_to={"kind": "departement"},
    )
    label = models.CharField("nom de l'indicateur", max_length=150)
    item = models.ForeignKey(
        "references.ReferenceItem",
        verbose_name="valeur comptée",
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "indicateur propre au département"
        verbose_name_plural = "indicateurs propres au département"
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "label"], name="unique_custom_indicator_label")
        ]

    def __str__(self):
        return self.label

    @property
    def definition(self) -> str:
        from binome.references.models import ReferenceKind

        kind = ReferenceKind(self.item.kind).label
        return (
            f"Jeunes accompagnés pendant la période dont la valeur dans la liste « {kind} » était "
            f"« {self.item.label} » au dernier jour de la période (indicateur ajouté par le département)."
        )
