"""What the pairs ask of each role, on the home page."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentorships.models import Colour, Mentorship, MentorshipState, Party
from binome.surveys.models import Respondent, SurveyResponse
from binome.utils.attention import Item, provider


def _mine(request):
    """A coordinator's own pairs (all the association's when none is assigned to them); a manager's: all."""
    pairs = Mentorship.objects.visible_to(request.membership).open()
    if request.membership.role == Role.COORDINATOR:
        own = pairs.filter(coordinator=request.user)
        if own.exists():
            return own
    return pairs


@provider(Role.MANAGER, Role.COORDINATOR)
def red_pairs(request):
    count = _mine(request).filter(colour=Colour.RED).count()
    if not count:
        return []
    return [
        Item(
            "Binômes en rouge",
            "Suivi en retard ou préoccupation signalée : à appeler en priorité.",
            reverse("mentorships:portfolio") + "?couleur=red",
            level="danger",
            count=count,
        )
    ]


@provider(Role.MANAGER, Role.COORDINATOR)
def pairs_to_launch(request):
    count = _mine(request).filter(state=MentorshipState.AGREEMENT).count()
    if not count:
        return []
    return [
        Item(
            "Conventions à faire signer",
            "Binômes validés qui attendent les signatures et la rencontre de lancement.",
            reverse("mentorships:portfolio") + "?etat=agreement",
            level="warning",
            count=count,
        )
    ]


@provider(Role.MANAGER, Role.COORDINATOR, Role.REFERRER)
def reviews_due(request):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    count = (
        Mentorship.objects.visible_to(request.membership)
        .filter(state=MentorshipState.ACTIVE, review_due_on__lte=soon)
        .count()
    )
    if not count:
        return []
    return [
        Item(
            "Bilans annuels à réaliser",
            "Bilans dus dans les 30 jours ou en retard (art. D.221-40 CASF).",
            reverse("mentorships:portfolio") + "?bilan=1",
            level="warning",
            count=count,
        )
    ]


@provider(Role.REFERRER)
def agreements_to_sign(request):
    count = (
        Mentorship.objects.visible_to(request.membership)
        .filter(state=MentorshipState.AGREEMENT)
        .exclude(agreements__number=0, agreements__signatures__party=Party.ASE)
        .count()
    )
    if not count:
        return []
    return [
        Item(
            "Conventions individuelles à signer",
            "Le service ASE signe la convention de chaque binôme avant son lancement.",
            reverse("mentorships:portfolio") + "?etat=agreement",
            level="warning",
            count=count,
        )
    ]


@provider(Role.MANAGER, Role.COORDINATOR)
def youth_surveys(request):
    count = (
        SurveyResponse.objects.pending()
        .filter(respondent=Respondent.YOUTH, mentorship__association=request.organisation)
        .filter(Q(mentorship__state=MentorshipState.ACTIVE) | Q(kind="exit"))
        .count()
    )
    if not count:
        return []
    return [
        Item(
            "Questionnaires à recueillir auprès des jeunes",
            "Questionnaires d'étape et de fin à remplir avec le jeune ou à lui transmettre.",
            reverse("mentorships:portfolio") + "?questionnaires=1",
            count=count,
        )
    ]
