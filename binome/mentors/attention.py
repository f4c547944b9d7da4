from django.urls import reverse

from binome.accounts.models import Role
from binome.mentors.honorability import checks_to_do
from binome.mentors.models import ACTIVE_STAGES, CheckResult, HonorabilityCheck, Mentor, MentorStage
from binome.mentors.services import stale_before
from binome.utils.attention import Item, provider


@provider(Role.MANAGER, Role.COORDINATOR, Role.REFERRER)
def stale_candidates(request):
    count = Mentor.objects.filter(
        association=request.organisation,
        stage__in=ACTIVE_STAGES,
        stage_since__lt=stale_before(request.organisation),
    ).count()
    if not count:
        return []
    return [
        Item(
            "Candidatures qui attendent",
            "Des candidats mentors sont à la même étape depuis trop longtemps.",
            reverse("mentors:list") + "?stale=on",
            level="warning",
            count=count,
        )
    ]


@provider(Role.MANAGER, Role.COORDINATOR, Role.REFERRER)
def new_candidates(request):
    count = Mentor.objects.filter(association=request.organisation, stage=MentorStage.CANDIDATE).count()
    if not count:
        return []
    return [
        Item(
            "Nouvelles candidatures",
            "Candidats à contacter pour un entretien.",
            reverse("mentors:list") + "?stage=candidate",
            count=count,
        )
    ]


@provider(Role.PILOT)
def honorability_work(request):
    items = []
    alerts = HonorabilityCheck.objects.filter(
        departement=request.organisation,
        result=CheckResult.NOT_COMPLIANT,
        failure_confirmed_at__isnull=True,
        mentor__stage=MentorStage.IN_PAIR,
    )
    if alerts.exists():
        items.append(
            Item(
                "Contrôle non conforme d'un mentor en binôme",
                "À confirmer : le mentorat doit prendre fin.",
                reverse("mentors:check_list"),
                level="danger",
                count=alerts.count(),
            )
        )
    todo = [t for t in checks_to_do(request.organisation) if t.pending is None]
    if todo:
        items.append(
            Item(
                "Contrôles d'honorabilité à demander",
                "Premiers contrôles et renouvellements annuels.",
                reverse("mentors:check_list"),
                level="warning",
                count=len(todo),
            )
        )
    return items
