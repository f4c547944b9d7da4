import datetime

from django.db import models
from django.utils import timezone

from binome.audit.models import AccessLog


def _departement_of(organisation):
    if organisation is None:
        return None
    if organisation.is_departement:
        return organisation
    if organisation.is_ase_service:
        return organisation.departement
    departements = list(organisation.departements()[:2])
    return departements[0] if len(departements) == 1 else None


def log_access(
    *,
    user,
    organisation,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    departement=None,
) -> AccessLog:
    """Record one read, export or change. Pass `departement` when the record belongs to a known one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        organisation=organisation,
        departement=departement or _departement_of(organisation),
        action=action,
        object_type=object_type,
        object_id=object_id,
    )


def purge_access_logs(*, months: int, now: datetime.datetime | None = None) -> int:
    """Delete entries older than `months` months (CNIL: keep access logs 6 to 12 months)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(months * 30.4375))
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
