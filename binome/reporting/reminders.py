"""Daily reminders of the reporting cycle, each sent once (`notifications.reminders.first_time`, keyed
by the report's own due date, so a new due date brings a new reminder):

- `DUE_DAYS` days before a report's due date (its convention's day, or the pilot's fixed deadline), to
  an association that has not submitted;
- the day after it, to the association still late, and one digest to the département's pilots per
  period and due date passed, counting the associations late for that date.

A quarterly association has a report only in the quarter's last month, so nothing reminds it in the
other months. Reports whose due date passed more than `LATE_WINDOW_DAYS` ago are left alone: the pilot
reminds by hand. Subjects name the month or quarter, never a person."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from binome.notifications.emails import send_email
from binome.notifications.reminders import first_time
from binome.reporting.models import AssociationReport, ReportingPeriod
from binome.reporting.services import pilot_emails, report_recipients, send_reporting_email

DUE_DAYS = 3
LATE_WINDOW_DAYS = 30


def send_reporting_reminders(now: datetime.datetime | None = None) -> int:
    """Returns the number of e-mails sent."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    due = AssociationReport.objects.not_submitted().filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_DAYS)
    )
    for report in due.select_related("period__departement", "association"):
        emails = report_recipients(report)
        if emails and first_time("reporting_due", report.pk, report.due_on):
            send_reporting_email("reporting_due", report, emails, days_left=(report.due_on - today).days)
            sent += 1

    window_start = today - datetime.timedelta(days=LATE_WINDOW_DAYS)
    late = AssociationReport.objects.late(today).filter(due_on__gte=window_start)
    for report in late.select_related("period__departement", "association"):
        emails = report_recipients(report)
        if emails and first_time("reporting_late", report.pk, report.due_on):
            send_reporting_email("reporting_late", report, emails)
            sent += 1

    groups = late.values("period", "due_on").annotate(count=Count("pk")).order_by("due_on")
    periods = ReportingPeriod.objects.select_related("departement").in_bulk({g["period"] for g in groups})
    for group in groups:
        period = periods[group["period"]]
        emails = pilot_emails(period.departement)
        if emails and first_time("reporting_late_pilot", period.pk, group["due_on"]):
            send_email(
                template="reporting_late_pilot",
                to=emails,
                context={
                    "month": period.label,
                    "deadline": group["due_on"],
                    "count": group["count"],
                    "path": reverse("reporting:period_detail", kwargs={"period_id": period.pk}),
                },
            )
            sent += 1
    return sent
