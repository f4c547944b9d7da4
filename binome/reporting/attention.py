"""Home page items: a report due soon or late (association), late associations (département). Each
report is read against its own due date (its convention's day, or the pilot's fixed deadline)."""

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.reporting.models import AssociationReport, ReportingPeriod
from binome.utils.attention import Item, provider
from binome.utils.french import de

DUE_SOON_DAYS = 7


@provider(Role.MANAGER, Role.COORDINATOR)
def reports_to_submit(request):
    today = timezone.localdate()
    reports = (
        AssociationReport.objects.visible_to(request.membership)
        .not_submitted()
        .filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .select_related("period__departement")
        .order_by("due_on")
    )
    items = []
    for report in reports:
        url = reverse("reporting:report_edit", kwargs={"report_id": report.pk})
        days = report.days_left(today)
        title = report.long_title[:1].upper() + report.long_title[1:]
        if days < 0:
            items.append(
                Item(
                    f"{title} en retard",
                    f"Échéance dépassée depuis le {report.due_on:%d/%m/%Y} ({report.period.departement}).",
                    url,
                    level="danger",
                )
            )
        else:
            when = "aujourd'hui" if days == 0 else f"dans {days} jour{'s' if days > 1 else ''}"
            items.append(
                Item(
                    f"{title} à transmettre {when}",
                    f"Échéance le {report.due_on:%d/%m/%Y} ({report.period.departement}).",
                    url,
                    level="warning",
                )
            )
    return items


@provider(Role.PILOT, Role.VIEWER)
def late_associations(request):
    today = timezone.localdate()
    rows = list(
        AssociationReport.objects.visible_to(request.membership)
        .late(today)
        .values("period")
        .annotate(count=Count("pk"), since=Min("due_on"), month=Min("period__month"))
        .order_by("-month")[:3]
    )
    periods = ReportingPeriod.objects.in_bulk([row["period"] for row in rows])
    return [
        Item(
            f"Suivi {de(periods[row['period']].label)} : associations en retard",
            f"Échéance dépassée depuis le {row['since']:%d/%m/%Y} : relancez-les depuis le tableau de suivi.",
            reverse("reporting:period_detail", kwargs={"period_id": row["period"]}),
            level="danger",
            count=row["count"],
        )
        for row in rows
    ]
