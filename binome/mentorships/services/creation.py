"""A pair is born from the matching (its agreement drafted from the youth's file); who follows it and
what comes next."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from binome.accounts.models import Membership
from binome.mentors.services import mentor_take_place
from binome.mentorships.models import (
    Agreement,
    Coordination,
    Mentorship,
)
from binome.mentorships.services.agreements import _initial_terms
from binome.mentorships.services.colour import refresh_follow_up
from binome.mentorships.services.common import _check_open, _log
from binome.youths.models import ReferralState
from binome.youths.services import referral_mark_matched


def _coordination(organisation) -> str:
    """Art. D.221-36: who coordinates the pair, from the kind of the organisation that holds it."""
    return Coordination.ASE_SERVICE if organisation.kind == "ase_service" else Coordination.ASSOCIATION


@transaction.atomic
def mentorship_create(*, referral, mentor, by, organisation, proposed_at=None) -> Mentorship:
    """Validate a pair: the youth's accepted referral becomes matched, the mentor gives one place.
    The pair waits for its agreement (a draft is prepared from the youth's file) to be signed."""
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
                coordination=_coordination(organisation),
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
    Agreement.objects.create(mentorship=mentorship, created_by=by, **_initial_terms(mentorship))
    refresh_follow_up(mentorship, notify=False)
    _log(by, organisation, mentorship, "create")
    return mentorship


@transaction.atomic
def mentorship_update(
    *, mentorship: Mentorship, by, organisation, coordinator=None, next_steps=None
) -> Mentorship:
    _check_open(mentorship)
    fields = ["updated_at"]
    if coordinator is not None:
        if not Membership.objects.filter(
            user=coordinator, organisation=mentorship.association, is_active=True
        ).exists():
            raise ValidationError({"coordinator": "Cette personne ne fait pas partie de l'association."})
        mentorship.coordinator = coordinator
        fields.append("coordinator")
    if next_steps is not None:
        mentorship.next_steps = next_steps.strip()[:500]
        fields.append("next_steps")
    mentorship.save(update_fields=fields)
    _log(by, organisation, mentorship, "update")
    return mentorship
