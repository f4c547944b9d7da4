"""Reference lists a département can adapt (school levels, care measures, objectives, reasons),
seeded with national defaults. Codes are stable (imports, matching and indicators use them);
labels and order are the département's."""

from django.db import models

from binome.utils.models import BaseModel


class ReferenceKind(models.TextChoices):
    SCHOOL_LEVEL = "school_level", "Niveaux scolaires"
    CARE_MEASURE = "care_measure", "Mesures ASE"
    OBJECTIVE = "objective", "Objectifs du mentorat"
    DECLINE_REASON = "decline_reason", "Motifs de refus d'une orientation"
    WITHDRAWAL_REASON = "withdrawal_reason", "Motifs de retrait d'une orientation"


class ReferenceItemQuerySet(models.QuerySet):
    def of(self, departement, kind):
        return self.filter(departement=departement, kind=kind, is_active=True)


class ReferenceItem(BaseModel):
    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="reference_items",
        limit_choices_to={"kind": "departement"},
    )
    kind = models.CharField("liste", max_length=30, choices=ReferenceKind.choices)
    code = models.SlugField("code", max_length=40)
    label = models.CharField("libellé", max_length=150)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("proposé dans les formulaires", default=True)

    objects = ReferenceItemQuerySet.as_manager()

    class Meta:
        verbose_name = "élément de liste de référence"
        ordering = ["kind", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "code"], name="unique_reference_code"),
        ]
        indexes = [models.Index(fields=["departement", "kind", "is_active"])]

    def __str__(self):
        return self.label
