"""Writing a convention and the association's answer to it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, Role, User
from binome.audit.services import log_access
from binome.conventions.models import CapacityCheck, Convention, ConventionStatus
from binome.notifications.emails import send_email


def _manager_emails(organisation: Organisation, role: str) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, role=role, is_active=True, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


NO_CAPACITY_CHECK = (
    "La convention ne peut pas entrer en vigueur avant que le département ait vérifié les capacités de "
    "l'association (art. D.221-37 : un projet individuel pour chaque enfant, l'information et "
    "l'accompagnement des mentors) et en ait gardé la pièce justificative."
)
NO_CAPACITY_CHECK_TO_SAVE = (
    NO_CAPACITY_CHECK
    + " Enregistrez la vérification ci-dessous, ou laissez la convention « En préparation »."
)
NO_CAPACITY_CHECK_TO_ACCEPT = (
    NO_CAPACITY_CHECK + " Le département n'a pas encore enregistré cette vérification : demandez-la-lui, "
    "puis acceptez la convention."
)


@transaction.atomic
def capacity_check_record(
    *, convention: Convention, by: User, evidence, checked_on, individual_project: bool, mentor_support: bool
) -> CapacityCheck:
    """The département records that it checked the association's capacity (art. D.221-37), with the
    evidence. Both points must have been checked; the date is not in the future."""
    errors = {}
    if not individual_project:
        errors["capacity_individual_project"] = (
            "Cochez ce point une fois vérifié : il est exigé par l'article D.221-37."
        )
    if not mentor_support:
        errors["capacity_mentor_support"] = (
            "Cochez ce point une fois vérifié : il est exigé par l'article D.221-37."
        )
    if checked_on is None:
        errors["capacity_checked_on"] = "Indiquez la date de la vérification."
    elif checked_on > timezone.localdate():
        errors["capacity_checked_on"] = "La date de la vérification ne peut pas être dans le futur."
    if not evidence:
        errors["capacity_evidence"] = "Joignez la pièce justificative de la vérification."
    if errors:
        raise ValidationError(errors)
    check = CapacityCheck.objects.create(
        convention=convention,
        individual_project=True,
        mentor_support=True,
        evidence=evidence,
        checked_on=checked_on,
        recorded_by=by,
    )
    log_access(
        user=by,
        organisation=convention.departement,
        action="create",
        obj=check,
        departement=convention.departement,
    )
    return check


@transaction.atomic
def convention_save(*, convention: Convention, by: User, capacity_check: dict | None = None) -> Convention:
    """Save a convention written by the département's pilot.

    A new convention with an association implanted in the département binds at once. With any other
    association it waits for the association's manager (`convention_accept`): a département must never
    reach another département's association — its mentors, their honorability, its figures — on its
    own say-so. The association of a saved convention never changes.

    A convention becomes « En vigueur » only once the département has recorded its check of the
    association's capacity (art. D.221-37): given here as `capacity_check` (the keyword arguments of
    `capacity_check_record`), or recorded before.
    """
    is_new = convention._state.adding
    was_active = False
    if not is_new:
        saved = Convention.objects.select_for_update().get(pk=convention.pk)
        was_active = saved.status == ConventionStatus.ACTIVE
        if saved.association_id != convention.association_id:
            raise ValidationError({"association": "L'association d'une convention ne change pas."})
        convention.accepted_at, convention.accepted_by_id = saved.accepted_at, saved.accepted_by_id
        convention.declined_at = saved.declined_at
    elif not convention.needs_acceptance:
        # Binding at once; `accepted_by` stays empty: it names the association's manager who agreed.
        convention.accepted_at = timezone.now()
    becomes_active = convention.status == ConventionStatus.ACTIVE and not was_active
    checked = capacity_check is not None or (not is_new and convention.capacity_checks.exists())
    if becomes_active and not checked:
        raise ValidationError({"status": NO_CAPACITY_CHECK_TO_SAVE})
    convention.full_clean()
    convention.save()
    if capacity_check is not None:
        capacity_check_record(convention=convention, by=by, **capacity_check)
    log_access(
        user=by,
        organisation=convention.departement,
        action="create" if is_new else "update",
        obj=convention,
        departement=convention.departement,
    )
    if is_new and convention.accepted_at is None:
        send_email(
            template="convention_proposed",
            to=_manager_emails(convention.association, Role.MANAGER),
            context={
                "convention": convention,
                "url": reverse("conventions:convention_detail", kwargs={"convention_id": convention.pk}),
            },
        )
    return convention


def _convention_answer(convention: Convention, *, by: User, accept: bool) -> Convention:
    convention = Convention.objects.select_for_update().select_related("departement").get(pk=convention.pk)
    if convention.accepted_at or convention.declined_at:
        raise ValidationError("Cette convention a déjà reçu la réponse de l'association.")
    if not Membership.objects.filter(
        organisation_id=convention.association_id, user=by, role=Role.MANAGER, is_active=True
    ).exists():
        raise ValidationError("Seul·e un·e responsable de l'association peut répondre à cette convention.")
    if accept and convention.status == ConventionStatus.ACTIVE and not convention.capacity_checks.exists():
        raise ValidationError(NO_CAPACITY_CHECK_TO_ACCEPT)
    if accept:
        convention.accepted_at, convention.accepted_by = timezone.now(), by
        convention.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    else:
        convention.declined_at = timezone.now()
        convention.save(update_fields=["declined_at", "updated_at"])
    log_access(
        user=by,
        organisation=convention.association,
        action="update",
        obj=convention,
        departement=convention.departement,
    )
    send_email(
        template="convention_answered",
        to=_manager_emails(convention.departement, Role.PILOT),
        context={
            "convention": convention,
            "accepted": accept,
            "url": reverse("conventions:convention_detail", kwargs={"convention_id": convention.pk}),
        },
    )
    return convention


@transaction.atomic
def convention_accept(*, convention: Convention, by: User) -> Convention:
    """The association's manager agrees: the convention binds from now on (within its dates and status)."""
    return _convention_answer(convention, by=by, accept=True)


@transaction.atomic
def convention_decline(*, convention: Convention, by: User) -> Convention:
    """The association's manager refuses: the convention never gives the département any access."""
    return _convention_answer(convention, by=by, accept=False)
