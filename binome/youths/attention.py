"""What the youth pathway asks of each role, on their home page."""

from django.urls import reverse

from binome.accounts.models import Role
from binome.utils.attention import Item, provider
from binome.youths.models import Referral, ReferralState, Youth
from binome.youths.queries import blocked_files


@provider(Role.REFERRER)
def youths_to_propose(request):
    count = Youth.objects.visible_to(request.membership).to_propose().count()
    if not count:
        return []
    return [
        Item(
            "Mentorat à proposer",
            "Jeunes éligibles à qui le mentorat n'a pas encore été proposé.",
            reverse("youths:list") + "?status=to_propose",
            level="warning",
            count=count,
        )
    ]


@provider(Role.REFERRER, Role.PILOT)
def first_assessments_due(request):
    count = Youth.objects.visible_to(request.membership).first_assessment_due().count()
    if not count:
        return []
    return [
        Item(
            "Premières évaluations dues",
            "Jeunes jamais évalués : l'évaluation est due à la prise en charge dès 11 ans, au plus tard à "
            "l'entrée au collège (art. D.221-34).",
            reverse("youths:list") + "?status=first_assessment_due",
            level="warning",
            count=count,
        )
    ]


@provider(Role.REFERRER)
def consents_missing(request):
    count = (
        Youth.objects.visible_to(request.membership)
        .filter(proposal_outcome="accepted", consents_complete=False, archived_at__isnull=True)
        .count()
    )
    if not count:
        return []
    return [
        Item(
            "Consentements à recueillir",
            "Le mentorat est accepté mais des accords manquent.",
            reverse("youths:list") + "?status=consents_missing",
            level="warning",
            count=count,
        )
    ]


@provider(Role.PILOT)
def referrals_to_route(request):
    count = Referral.objects.filter(
        departement=request.organisation, state__in=[ReferralState.SUBMITTED, ReferralState.DECLINED]
    ).count()
    if not count:
        return []
    return [
        Item(
            "Orientations à traiter",
            "Fiches transmises ou refusées, à confier à une association.",
            reverse("youths:routing_queue"),
            level="danger",
            count=count,
        )
    ]


@provider(Role.MANAGER, Role.COORDINATOR)
def referrals_to_answer(request):
    referrals = Referral.objects.for_association(request.organisation)
    to_answer = referrals.filter(state=ReferralState.ROUTED).count()
    to_match = referrals.filter(state=ReferralState.ACCEPTED).count()
    items = []
    if to_answer:
        items.append(
            Item(
                "Orientations à accepter ou refuser",
                "Le département vous a confié de nouveaux jeunes.",
                reverse("youths:inbox"),
                level="danger",
                count=to_answer,
            )
        )
    if to_match:
        items.append(
            Item(
                "Jeunes à mettre en binôme",
                "Orientations acceptées, en attente d'un mentor : ouvrez la table des matchings.",
                reverse("matching:table"),
                count=to_match,
            )
        )
    return items


@provider(Role.PILOT)
def blocked_files_item(request):
    count = len(blocked_files(request.organisation))
    if not count:
        return []
    return [
        Item(
            "Dossiers bloqués",
            "Dossiers sans nouvelle au-delà des délais fixés par le département.",
            reverse("youths:blocked"),
            level="warning",
            count=count,
        )
    ]
