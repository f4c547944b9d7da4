import uuid

from django.db import models


class BaseModel(models.Model):
    """Opaque UUID primary keys: URLs never carry a sequential id that could be guessed or counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True
