"""What every write on a pair shares: the access log, today, the closed-pair guard and the pair's
convention terms."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.mentorships.models import Mentorship, MentorshipState
from binome.mentorships.signals import pair_changed


def _log(by, organisation, mentorship, action="update") -> None:
    """The access log, with the pair's département (an association may work for several)."""
    log_access(
        user=by,
        organisation=organisation or mentorship.association,
        action=action,
        obj=mentorship,
        departement=mentorship.departement,
    )


def store_shown(mentorship, **changes) -> None:
    """Write values derived from other rows that the pair shows outside (meeting counts, last meeting,
    colour) with update(): no save, so no row in the pair's history for each recomputation. Yet as a
    save would, `updated_at` moves and the change is announced (the API's change feed listens), or a
    client following the pair would never hear of it. Only call it with values that changed."""
    changes["updated_at"] = timezone.now()
    Mentorship.objects.filter(pk=mentorship.pk).update(**changes)
    for name, value in changes.items():
        setattr(mentorship, name, value)
    pair_changed.send(sender=Mentorship, mentorship=mentorship, fields=sorted(changes))


def _today():
    return timezone.localdate()


def _check_open(mentorship):
    if mentorship.state == MentorshipState.CLOSED:
        raise ValidationError("Ce binôme est clôturé.")


def convention_key_indicators(mentorship) -> list[str]:
    convention = (
        Convention.objects.current()
        .filter(departement=mentorship.departement_id, association=mentorship.association_id)
        .first()
    )
    return list(convention.key_indicators) if convention else []
