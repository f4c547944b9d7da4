"""Art. D.221-36: « l'action de mentorat est coordonnée et mise en œuvre par une association […] ou, à défaut,
par le service ou l'établissement assurant la prise en charge de l'enfant ».

When no association under convention can take a youth, the département's pilot (`referrals.route`) routes
the referral to the ASE service that cares for the youth. The service does not answer the routing: the
law gives it the mentoring « à défaut », so the referral is at once « acceptée, en attente de binôme » at
that service, whose staff then play the coordinator's part (`mentorships.services.mentorship_create` with
the service as organisation: the pair carries `coordination = "ase_service"`). The mentors it may pair
the youth with are its own, vetted by the département (`Mentor.objects.checked_by`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Role
from binome.audit.services import log_access
from binome.youths.models import EventKind, Referral, ReferralState
from binome.youths.services import _check_gate, _check_step, _notify_members, record_event


def coordinating_service(referral: Referral):
    """The service or establishment caring for the youth: the one D.221-36 names."""
    return referral.youth.ase_service


@transaction.atomic
def referral_route_to_service(*, referral: Referral, by, organisation) -> Referral:
    """The pilot gives the mentoring to the youth's ASE service, failing an association."""
    referral = Referral.objects.select_for_update().select_related("youth__ase_service").get(pk=referral.pk)
    _check_step(referral, "route_to_service")
    service = coordinating_service(referral)
    if service is None or not service.is_active:
        raise ValidationError("Ce jeune n'a pas de service ASE actif : indiquez son service sur sa fiche.")
    _check_gate(referral)
    now = timezone.now()
    referral.state = ReferralState.ACCEPTED
    referral.association = service
    referral.routed_at = referral.accepted_at = now
    referral.routed_automatically = False
    referral.save(
        update_fields=[
            "state",
            "association",
            "routed_at",
            "accepted_at",
            "routed_automatically",
            "updated_at",
        ]
    )
    record_event(
        referral.youth,
        EventKind.REFERRAL_ROUTED,
        by=by,
        organisation=organisation,
        detail=f"Vers {service}, qui coordonne le mentorat à défaut d'association (art. D.221-36)",
        visible_to_association=True,
    )
    record_event(
        referral.youth,
        EventKind.REFERRAL_ACCEPTED,
        by=by,
        organisation=organisation,
        detail=f"{service} : en attente d'un mentor",
        visible_to_association=True,
    )
    log_access(
        user=by, organisation=organisation, action="update", obj=referral, departement=referral.departement
    )
    _notify_members(service, (Role.REFERRER,), template="referral_to_service", context={"referral": referral})
    return referral


def awaiting_mentor(service):
    """The referrals the service coordinates that wait for a mentor."""
    return (
        Referral.objects.filter(association=service, state=ReferralState.ACCEPTED)
        .select_related("youth")
        .order_by("accepted_at", "pk")
    )
