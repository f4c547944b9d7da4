"""Demo months of the reporting cycle, through the services: the last three months are open; the
older two submitted by every association (one corrected once), the last one submitted by one
association, started by another and not started by the third, so the pilot's table shows every
status and the dashboard's Ressources and Activités have figures.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.notifications import emails
from binome.reporting import services
from binome.reporting.models import AssociationReport, ReportingPeriod, ReportRevision

FUNDERS = ["Département", "État (plan national)", "Fondation d'entreprise", "CAF"]
DIFFICULTIES = [
    "Peu de retours des éducateurs de foyer sur les fiches envoyées.",
    "Deux mentors ont déménagé : trois jeunes attendent un nouveau binôme.",
    "Consentements parentaux difficiles à obtenir pour les jeunes en accueil provisoire.",
    "",
]


def _figures(rng: random.Random, size: float) -> tuple[dict, list]:
    staff = Decimal(str(round(1 + 2 * size * rng.uniform(0.8, 1.2), 1)))
    data = {
        "fte_staff": staff,
        "fte_volunteers": Decimal(str(round(0.5 + size * rng.uniform(0.2, 0.8), 1))),
        "cost_staff": Decimal(round(3200 * staff)),
        "cost_premises": Decimal(rng.randint(300, 900)),
        "cost_communication": Decimal(rng.randint(50, 300)),
        "cost_transport": Decimal(rng.randint(80, 400)),
        "cost_other": Decimal(rng.randint(0, 250)),
        "ase_structures_contacted": rng.randint(2, 8),
        "ase_structures_met": rng.randint(1, 4),
        "information_meetings": rng.randint(0, 3),
        "awareness_actions": rng.randint(0, 2),
        "workshops": rng.randint(0, 2),
        "workshop_participants": rng.randint(0, 18),
        "upcoming_presentations": "Présentation du mentorat à l'équipe du foyer de Rezé.",
        "difficulties": rng.choice(DIFFICULTIES),
        "next_steps": "Relancer les services pour les consentements en attente.",
    }
    funding = [
        {"funder": funder, "sub_project": "mentorat", "amount": Decimal(rng.randint(1500, 6000))}
        for funder in rng.sample(FUNDERS, 2)
    ]
    return data, funding


def build_reporting(world, today: datetime.date | None = None) -> int:
    """Returns how many periods were opened (0 on a second run)."""
    today = today or timezone.localdate()
    rng = random.Random(44)
    first_of_month = today.replace(day=1)
    months = []
    month = first_of_month
    for _ in range(3):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    months.reverse()  # oldest first
    if ReportingPeriod.objects.filter(departement=world.departement, month__in=months).exists():
        return 0
    managers = {
        m.organisation_id: m
        for m in Membership.objects.filter(
            organisation__in=world.associations, role=Role.MANAGER, is_active=True
        ).select_related("user")
    }
    pilot = Membership.objects.filter(organisation=world.departement, role=Role.PILOT).first()
    with transaction.atomic(), emails.suppressed():
        for index, month in enumerate(months):
            period = services.period_open(
                departement=world.departement, month=month, by=pilot.user if pilot else None
            )
            last = index == len(months) - 1
            for position, report in enumerate(
                period.reports.select_related("association").order_by("association__name")
            ):
                membership = managers.get(report.association_id)
                if membership is None or (last and position == 2):
                    continue  # not started
                data, funding = _figures(rng, size=1 + position)
                services.report_save(report=report, data=data, funding=funding, by=membership.user)
                if last and position == 1:
                    continue  # in progress
                services.report_submit(report=report, by=membership.user, membership=membership)
                _backdate(report, period.deadline - datetime.timedelta(days=rng.randint(1, 4)))
                if index == 0 and position == 0:
                    data["workshops"] += 1
                    services.report_save(report=report, data=data, funding=funding, by=membership.user)
                    services.report_submit(
                        report=report,
                        by=membership.user,
                        membership=membership,
                        reason="Un atelier oublié dans la première saisie.",
                    )
                    _backdate(report, period.deadline + datetime.timedelta(days=6), only_last=True)
    return len(months)


def _backdate(report, day: datetime.date, only_last: bool = False) -> None:
    """Submitted on `day` rather than today (revisions are frozen: a queryset update, demo only)."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))
    revisions = ReportRevision.objects.filter(report=report)
    if only_last:
        revisions = revisions.filter(number=report.revisions.count())
    else:
        AssociationReport.objects.filter(pk=report.pk).update(first_submitted_at=at, started_at=at)
    revisions.update(submitted_at=at)
