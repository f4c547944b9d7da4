"""Writes on pairs. The matching creates them; the lifecycle (agreement, meetings, closure) follows."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from binome.audit.services import log_access
from binome.mentors.services import mentor_take_place
from binome.mentorships.models import Mentorship
from binome.youths.models import ReferralState
from binome.youths.services import referral_mark_matched


@transaction.atomic
def mentorship_create(*, referral, mentor, by, organisation, proposed_at=None) -> Mentorship:
    """Validate a pair: the youth's accepted referral becomes matched, the mentor gives one place.
    The pair waits for its agreement to be signed before it starts."""
    if referral.state != ReferralState.ACCEPTED or referral.association_id != organisation.pk:
        raise ValidationError("Ce jeune n'attend plus de mentor dans votre association.")
    if mentor.association_id != organisation.pk:
        raise ValidationError("Ce mentor n'appartient pas à votre association.")
    mentor_take_place(mentor=mentor, by=by)
    referral = referral_mark_matched(referral=referral, by=by, organisation=organisation)
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                association=organisation,
                departement=referral.departement,
                youth=referral.youth,
                mentor=mentor,
                referral=referral,
                coordinator=by,
                referral_accepted_at=referral.accepted_at,
                proposed_at=proposed_at or timezone.now(),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("Ce jeune a déjà un binôme en cours.") from None
    log_access(user=by, organisation=organisation, action="create", obj=mentorship)
    return mentorship
