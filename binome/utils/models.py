import uuid

from django.db import models


class BaseModel(models.Model):
    """Opaque UUID primary keys: URLs never carry a sequential id that could be guessed or counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class OrganisationSettings(models.Model):
    """Settings an organisation may change (a département's, an association's): one row once it saved
    them, the defaults until then. `for_organisation` reads them without ever writing, so showing a page
    creates nothing; the settings form saves the row."""

    organisation_field = ""  # the one-to-one field naming the organisation: "association", "departement"

    class Meta:
        abstract = True

    @classmethod
    def for_organisation(cls, organisation):
        """The organisation's row (an organisation or its id), or the defaults, unsaved."""
        key = {f"{cls.organisation_field}_id": getattr(organisation, "pk", organisation)}
        return cls.objects.filter(**key).first() or cls(**key)
