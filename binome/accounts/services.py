"""Writes on people and organisations. Forms, the admin and commands all go through these."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import (
    ROLES_BY_KIND,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from binome.audit.services import log_access
from binome.notifications.emails import send_email


def check_role_for(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError({"role": "Ce rôle n'existe pas pour ce type d'organisation."})


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by: User) -> Invitation:
    """Invite someone to join `organisation` with `role`, and e-mail them a link valid a few days.

    A new invitation to the same address replaces the pending one, so only the latest link works.
    Someone from outside the organisation (a département starting a partner off) is held to
    `partner_invitation_check`.
    """
    return invitation_issue(organisation=organisation, email=email, role=role, invited_by=invited_by)[0]


@transaction.atomic
def invitation_issue(
    *, organisation: Organisation, email: str, role: str, invited_by: User | None
) -> tuple[Invitation, str]:
    """`invitation_create`, returning also the link's path: only the hash of its token is kept, so a
    command run before the instance can send e-mail prints it once. `invited_by` is None for such a
    command (the operator of the server)."""
    email = email.strip().lower()
    check_role_for(organisation, role)
    if Membership.objects.filter(organisation=organisation, user__email=email, is_active=True).exists():
        raise ValidationError({"email": "Cette personne fait déjà partie de l'organisation."})
    # A département's first pilot is invited from outside by the platform's administrator.
    inviter_is_member = Membership.objects.filter(
        organisation=organisation, user=invited_by, is_active=True
    ).exists()
    if not organisation.is_departement and not inviter_is_member:
        partner_invitation_check(organisation=organisation, email=email)
    now = timezone.now()
    Invitation.objects.pending().filter(organisation=organisation, email=email).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        token_hash=Invitation.hash_token(token),
        expires_at=now + datetime.timedelta(days=settings.BINOME_INVITATION_DAYS),
    )
    accept_path = reverse("accounts:invitation_accept", kwargs={"token": token})
    send_email(
        template="invitation",
        to=[email],
        context={
            "invitation": invitation,
            "inviter": invited_by,
            "accept_path": accept_path,
            "days": settings.BINOME_INVITATION_DAYS,
        },
    )
    log_access(user=invited_by, organisation=organisation, action="create", obj=invitation)
    return invitation, accept_path


def invitation_from_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def partner_invitation_check(*, organisation: Organisation, email: str) -> None:
    """A département only starts a partner off: it invites the first manager of an association (or
    the first referrer of one of its services), never someone who works for a département, and never
    once the partner has its own manager, who then invites colleagues."""
    email = email.strip().lower()
    if Membership.objects.filter(user__email=email, organisation__kind=OrganisationKind.DEPARTEMENT).exists():
        raise ValidationError(
            {
                "email": "Cette adresse appartient à un compte de département : invitez une "
                "personne de la structure elle-même."
            }
        )
    if (
        organisation.is_association
        and Membership.objects.filter(organisation=organisation, role=Role.MANAGER, is_active=True).exists()
    ):
        raise ValidationError(
            "Cette association a déjà un·e responsable : c'est à elle ou lui d'inviter ses collègues."
        )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not invitation.is_pending:
        raise ValidationError("Cette invitation n'est plus en attente.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    log_access(user=by, organisation=invitation.organisation, action="update", obj=invitation)


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = "",
) -> Membership:
    """Turn a pending invitation into an active membership, creating the account when there is none.

    `user`, when given, is the logged-in person accepting; their address must be the invited one.
    An account created without a password (None: accepted through ProConnect) cannot log in with one.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(f"Cette invitation est {invitation.status}.")
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        user = User.objects.create_user(
            email=invitation.email,
            password=password or None,  # never a usable empty password
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
    elif user.email != invitation.email:
        raise ValidationError("Cette invitation a été envoyée à une autre adresse e-mail.")
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    if not created:
        invited_from_inside = Membership.objects.filter(
            organisation=invitation.organisation, user=invitation.invited_by, is_active=True
        ).exists()
        if not membership.is_active and not invited_from_inside:
            raise ValidationError(
                "Votre accès à cette organisation a été retiré par elle : "
                "seul·e un·e de ses responsables peut vous réinviter."
            )
        membership.role = invitation.role
        membership.is_active = True
        membership.deactivated_at = None
        membership.deactivated_by = None
        membership.save(update_fields=["role", "is_active", "deactivated_at", "deactivated_by", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    log_access(user=user, organisation=invitation.organisation, action="create", obj=membership)
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> None:
    """Remove someone from an organisation. Every session they have open ends at once."""
    if membership.user_id == by.pk:
        raise ValidationError("Vous ne pouvez pas vous retirer vous-même de l'organisation.")
    if not membership.is_active:
        raise ValidationError("Ce membre est déjà désactivé.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.deactivated_by = by
    membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by", "updated_at"])
    membership.user.end_all_sessions()
    log_access(user=by, organisation=membership.organisation, action="update", obj=membership)


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.end_all_sessions()


@transaction.atomic
def ase_service_create(
    *,
    departement: Organisation,
    name: str,
    siret: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    by: User,
) -> Organisation:
    if not departement.is_departement:
        raise ValidationError("Seul un département peut créer un service ASE.")
    service = Organisation(
        kind=OrganisationKind.ASE_SERVICE,
        departement=departement,
        name=name.strip(),
        siret=siret,
        email=email,
        phone=phone,
        address=address,
    )
    service.full_clean()
    service.save()
    log_access(user=by, organisation=departement, action="create", obj=service)
    return service
