"""What needs the attention of the person logged in: the home page's own items (conventions,
partners, invitations). The registry itself is `binome.utils.attention`, where every app registers
its providers without importing the home app."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Invitation, Organisation, Role
from binome.conventions.models import Convention, ConventionStatus
from binome.utils.attention import Item, provider


@provider(Role.PILOT, Role.VIEWER, Role.MANAGER)
def conventions_ending(request):
    soon = timezone.localdate() + datetime.timedelta(days=90)
    conventions = Convention.objects.visible_to(request.membership).current().filter(end_date__lte=soon)
    return [
        Item(
            title="Convention bientôt échue",
            detail=f"{c.association} — fin le {c.end_date:%d/%m/%Y}",
            url=reverse("conventions:convention_detail", kwargs={"convention_id": c.pk}),
            level="warning",
        )
        for c in conventions.select_related("association")
    ]


@provider(Role.MANAGER, Role.PILOT)
def conventions_awaiting_acceptance(request):
    """The association's manager answers; the pilot sees what she is waiting for."""
    conventions = Convention.objects.visible_to(request.membership).awaiting_acceptance()
    if request.membership.role == Role.MANAGER:
        title, detail, level = (
            "Convention proposée par un département",
            "Lisez-la, puis acceptez-la ou refusez-la : d'ici là, le département n'a accès à rien.",
            "warning",
        )
    else:
        title, detail, level = (
            "Conventions en attente de l'association",
            "Elles entreront en vigueur quand l'association les aura acceptées.",
            "info",
        )
    items = []
    for convention in conventions.select_related("association", "departement"):
        other = convention.departement if request.membership.role == Role.MANAGER else convention.association
        items.append(
            Item(
                title,
                f"{other} — {detail}",
                reverse("conventions:convention_detail", kwargs={"convention_id": convention.pk}),
                level=level,
            )
        )
    return items


@provider(Role.PILOT)
def conventions_in_draft(request):
    count = Convention.objects.visible_to(request.membership).filter(status=ConventionStatus.DRAFT).count()
    if not count:
        return []
    return [
        Item(
            "Conventions en préparation",
            "À finaliser avant qu'elles n'entrent en vigueur.",
            reverse("conventions:convention_list"),
            count=count,
        )
    ]


@provider(Role.PILOT)
def partners_without_members(request):
    partners = (
        Organisation.objects.partners_of(request.organisation)
        .exclude(pk=request.organisation.pk)
        .filter(is_active=True)
        .annotate(members=Count("memberships", filter=Q(memberships__is_active=True)))
        .filter(members=0)
    )
    return [
        Item(
            title="Organisation sans utilisateur",
            detail=f"{p} : invitez un premier {'responsable' if p.is_association else 'référent'}.",
            url=reverse("accounts:partner_detail", kwargs={"organisation_id": p.pk}),
            level="warning",
        )
        for p in partners
    ]


@provider(Role.PILOT, Role.MANAGER)
def pending_invitations(request):
    count = Invitation.objects.pending().filter(organisation=request.organisation).count()
    if not count:
        return []
    return [
        Item(
            "Invitations en attente",
            "Des collègues n'ont pas encore rejoint la plateforme.",
            reverse("accounts:members"),
            count=count,
        )
    ]
