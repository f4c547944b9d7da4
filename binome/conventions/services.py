"""Writing a convention and the association's answer to it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, Role, User
from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.notifications.emails import send_email


def _manager_emails(organisation: Organisation, role: str) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, role=role, is_active=True, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


@transaction.atomic
def convention_save(*, convention: Convention, by: User) -> Convention:
    """Save a convention written by the département's pilot.

    A new convention with an association implanted in the département binds at once. With any other
    association it waits for the association's manager (`convention_accept`): a département must never
    reach another département's association — its mentors, their honorability, its figures — on its
    own say-so. The association of a saved convention never changes.
    """
    is_new = convention._state.adding
    if not is_new:
        saved = Convention.objects.select_for_update().get(pk=convention.pk)
        if saved.association_id != convention.association_id:
            raise ValidationError({"association": "L'association d'une convention ne change pas."})
        convention.accepted_at, convention.accepted_by_id = saved.accepted_at, saved.accepted_by_id
        convention.declined_at = saved.declined_at
    elif not convention.needs_acceptance:
        # Binding at once; `accepted_by` stays empty: it names the association's manager who agreed.
        convention.accepted_at = timezone.now()
    convention.full_clean()
    convention.save()
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
