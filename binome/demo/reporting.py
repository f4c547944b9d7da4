"""Demo months of the reporting cycle, through the services: the last three months are open, each
report due on its convention's day (`demo.builders.REPORTING_TERMS`).

- Tremplin (monthly, the 5th) submitted the two older months and has not started the last one;
- Cap Mentor (monthly, the 5th) submitted and corrected the oldest month, started the middle one
  without sending it (late whatever the day), and submitted the last one;
- Les Passeurs d'Avenir report by quarter (the 15th): one report among the three months, with the
  quarter's last month, covering its three months; submitted if its due date has passed, else started.

So the pilot's table shows every status, a quarterly association and two due dates, and the
dashboard's Ressources and Activités have figures for months and quarters.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.notifications import emails
from binome.reporting import services
from binome.reporting.models import AssociationReport, ReportingPeriod, ReportRevision, SubProject

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
        {"funder": funder, "sub_project": SubProject.MENTORING, "amount": Decimal(rng.randint(1500, 6000))}
        for funder in rng.sample(FUNDERS, 2)
    ]
    return data, funding


def _over_a_quarter(data: dict, funding: list) -> tuple[dict, list]:
    """Three months of counts and amounts; FTE stay a level (their average over the quarter)."""
    tripled = {
        name: value * 3 if isinstance(value, (int, Decimal)) and not name.startswith("fte_") else value
        for name, value in data.items()
    }
    return tripled, [{**line, "amount": line["amount"] * 3} for line in funding]


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
    sizes = {association.pk: 1 + i for i, association in enumerate(world.associations)}
    with transaction.atomic(), emails.suppressed():
        for index, month in enumerate(months):
            period = services.period_open(
                departement=world.departement, month=month, by=pilot.user if pilot else None
            )
            last = index == len(months) - 1
            for report in period.reports.select_related("association", "period").order_by(
                "association__name"
            ):
                membership = managers.get(report.association_id)
                name = report.association.name
                if membership is None or (last and name.startswith("Tremplin")):
                    continue  # not started
                data, funding = _figures(rng, size=sizes.get(report.association_id, 1))
                if report.is_quarterly:
                    data, funding = _over_a_quarter(data, funding)
                services.report_save(report=report, data=data, funding=funding, by=membership.user)
                if (index == 1 and name.startswith("Cap Mentor")) or report.due_on >= today:
                    continue  # in progress
                services.report_submit(report=report, by=membership.user, membership=membership)
                _backdate(report, min(today, report.due_on - datetime.timedelta(days=rng.randint(1, 4))))
                if index == 0 and name.startswith("Cap Mentor"):
                    data["workshops"] += 1
                    services.report_save(report=report, data=data, funding=funding, by=membership.user)
                    services.report_submit(
                        report=report,
                        by=membership.user,
                        membership=membership,
                        reason="Un atelier oublié dans la première saisie.",
                    )
                    _backdate(report, report.due_on + datetime.timedelta(days=6), only_last=True)
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
