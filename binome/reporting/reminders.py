"""Daily reminders of the reporting cycle, each sent once (`notifications.reminders.first_time`):

- `DUE_DAYS` days before the deadline, to an association that has not submitted;
- the day after the deadline, to the association still late, and one digest to the département's
  pilots counting the late associations of the period.

Periods whose deadline passed more than `LATE_WINDOW_DAYS` ago are left alone: the pilot reminds by
hand. Subjects name the month, never a person."""

import datetime

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
        period__deadline__gte=today, period__deadline__lte=today + datetime.timedelta(days=DUE_DAYS)
    )
    for report in due.select_related("period__departement", "association"):
        emails = report_recipients(report)
        if emails and first_time("reporting_due", report.pk, report.period.deadline):
            send_reporting_email(
                "reporting_due", report, emails, days_left=(report.period.deadline - today).days
            )
            sent += 1

    window_start = today - datetime.timedelta(days=LATE_WINDOW_DAYS)
    late = AssociationReport.objects.late(today).filter(period__deadline__gte=window_start)
    for report in late.select_related("period__departement", "association"):
        emails = report_recipients(report)
        if emails and first_time("reporting_late", report.pk, report.period.deadline):
            send_reporting_email("reporting_late", report, emails)
            sent += 1

    periods = ReportingPeriod.objects.filter(deadline__lt=today, deadline__gte=window_start).select_related(
        "departement"
    )
    for period in periods:
        count = period.reports.late(today).count()
        if not count:
            continue
        emails = pilot_emails(period.departement)
        if emails and first_time("reporting_late_pilot", period.pk, period.deadline):
            send_email(
                template="reporting_late_pilot",
                to=emails,
                context={
                    "month": period.label,
                    "deadline": period.deadline,
                    "count": count,
                    "path": reverse("reporting:period_detail", kwargs={"period_id": period.pk}),
                },
            )
            sent += 1
    return sent
