"""Conventions made before the association's agreement existed were set up by the platform's team
with both parties: they stay in force. Each association working with a single département is taken
as implanted there, so its département keeps creating conventions with it without a round trip."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Convention = apps.get_model("accounts", "Convention")
    Organisation = apps.get_model("accounts", "Organisation")
    Convention.objects.filter(accepted_at__isnull=True, declined_at__isnull=True).update(
        accepted_at=F("created_at")
    )
    for association in Organisation.objects.filter(kind="association", home_departement__isnull=True):
        departements = set(
            Convention.objects.filter(association=association).values_list("departement_id", flat=True)
        )
        if len(departements) == 1:
            association.home_departement_id = departements.pop()
            association.save(update_fields=["home_departement"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_convention_acceptance")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
