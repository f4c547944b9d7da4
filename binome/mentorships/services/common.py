"""What every write on a pair shares: the access log, today, the closed-pair guard and the pair's
convention terms."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.mentorships.models import MentorshipState


def _log(by, organisation, mentorship, action="update") -> None:
    """The access log, with the pair's département (an association may work for several)."""
    log_access(
        user=by,
        organisation=organisation or mentorship.association,
        action=action,
        obj=mentorship,
        departement=mentorship.departement,
    )


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
