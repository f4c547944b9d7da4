"""Each report gets its own due date (`due_on`) and the first month it covers (`covers_from`); a period
remembers whether its pilot fixed one deadline for everyone (`fixed_deadline`).

Existing reports were due on their period's deadline and covered its month: both are copied from the
period (historical rows too). A period whose deadline is not the old default (the 5th of the next
month) was given that date by its pilot: it is kept as the fixed deadline, so an association joining it
later gets the same date."""

import datetime

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _default_deadline(month):
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following.replace(day=5)


def fill(apps, schema_editor):
    ReportingPeriod = apps.get_model("reporting", "ReportingPeriod")
    for name in ("AssociationReport", "HistoricalAssociationReport"):
        model = apps.get_model("reporting", name)
        period = ReportingPeriod.objects.filter(pk=OuterRef("period_id"))
        model.objects.update(
            covers_from=Subquery(period.values("month")[:1]),
            due_on=Subquery(period.values("deadline")[:1]),
        )
    for period in ReportingPeriod.objects.only("pk", "month", "deadline"):
        if period.deadline != _default_deadline(period.month):
            ReportingPeriod.objects.filter(pk=period.pk).update(fixed_deadline=period.deadline)


COVERS_FROM = dict(
    help_text="Le mois de la période, ou le premier mois du trimestre pour un reporting trimestriel.",
    verbose_name="premier mois couvert",
)
DUE_ON = dict(
    help_text="Le jour prévu par la convention, le mois suivant la période couverte, ou la date fixée "
    "par le département pour toutes les associations.",
    verbose_name="échéance",
)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_fewer_indexes_on_imported_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="associationreport",
            name="covers_from",
            field=models.DateField(null=True, **COVERS_FROM),
        ),
        migrations.AddField(
            model_name="associationreport",
            name="due_on",
            field=models.DateField(null=True, **DUE_ON),
        ),
        migrations.AddField(
            model_name="historicalassociationreport",
            name="covers_from",
            field=models.DateField(null=True, **COVERS_FROM),
        ),
        migrations.AddField(
            model_name="historicalassociationreport",
            name="due_on",
            field=models.DateField(null=True, **DUE_ON),
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="fixed_deadline",
            field=models.DateField(
                blank=True,
                help_text="Vide : chaque association a l'échéance prévue par sa convention.",
                null=True,
                verbose_name="échéance fixée par le département",
            ),
        ),
        migrations.AlterField(
            model_name="reportingperiod",
            name="deadline",
            field=models.DateField(
                help_text="La plus tardive des échéances des associations : celle fixée par le "
                "département, sinon celle des conventions.",
                verbose_name="dernière échéance",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="associationreport",
            name="covers_from",
            field=models.DateField(**COVERS_FROM),
        ),
        migrations.AlterField(
            model_name="associationreport",
            name="due_on",
            field=models.DateField(**DUE_ON),
        ),
        migrations.AlterField(
            model_name="historicalassociationreport",
            name="covers_from",
            field=models.DateField(**COVERS_FROM),
        ),
        migrations.AlterField(
            model_name="historicalassociationreport",
            name="due_on",
            field=models.DateField(**DUE_ON),
        ),
        migrations.AddConstraint(
            model_name="associationreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_on__gt", models.F("covers_from"))), name="report_due_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fixed_deadline__isnull", True), ("fixed_deadline__gt", models.F("month")), _connector="OR"
                ),
                name="reporting_fixed_deadline_after_month",
            ),
        ),
    ]
