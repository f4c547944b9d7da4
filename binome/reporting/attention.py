"""Home page items: a report due soon or late (association), late associations (département)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.home.attention import Item, provider
from binome.reporting.models import AssociationReport, ReportingPeriod

DUE_SOON_DAYS = 7


@provider(Role.MANAGER, Role.COORDINATOR)
def reports_to_submit(request):
    today = timezone.localdate()
    reports = (
        AssociationReport.objects.visible_to(request.membership)
        .not_submitted()
        .filter(period__deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .select_related("period__departement")
        .order_by("period__deadline")
    )
    items = []
    for report in reports:
        url = reverse("reporting:report_edit", kwargs={"report_id": report.pk})
        days = report.days_left(today)
        if days < 0:
            items.append(
                Item(
                    f"Suivi mensuel de {report.period.label} en retard",
                    f"Échéance dépassée depuis le {report.period.deadline:%d/%m/%Y} ({report.period.departement}).",
                    url,
                    level="danger",
                )
            )
        else:
            when = "aujourd'hui" if days == 0 else f"dans {days} jour{'s' if days > 1 else ''}"
            items.append(
                Item(
                    f"Suivi mensuel de {report.period.label} à transmettre {when}",
                    f"Échéance le {report.period.deadline:%d/%m/%Y} ({report.period.departement}).",
                    url,
                    level="warning",
                )
            )
    return items


@provider(Role.PILOT, Role.VIEWER)
def late_associations(request):
    today = timezone.localdate()
    items = []
    periods = (
        ReportingPeriod.objects.visible_to(request.membership)
        .filter(deadline__lt=today, reports__current_revision=0)
        .distinct()
    )
    for period in periods.order_by("-month")[:3]:
        count = period.reports.late(today).count()
        items.append(
            Item(
                f"Suivi de {period.label} : associations en retard",
                f"Échéance du {period.deadline:%d/%m/%Y} dépassée : relancez-les depuis le tableau de suivi.",
                reverse("reporting:period_detail", kwargs={"period_id": period.pk}),
                level="danger",
                count=count,
            )
        )
    return items
