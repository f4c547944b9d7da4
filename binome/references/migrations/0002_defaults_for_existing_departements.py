from django.db import migrations


def create_defaults(apps, schema_editor):
    from binome.references.defaults import DEFAULTS

    Organisation = apps.get_model("accounts", "Organisation")
    ReferenceItem = apps.get_model("references", "ReferenceItem")
    for departement in Organisation.objects.filter(kind="departement"):
        existing = set(ReferenceItem.objects.filter(departement=departement).values_list("kind", "code"))
        ReferenceItem.objects.bulk_create([
            ReferenceItem(departement=departement, kind=kind, code=code, label=label, position=position)
            for kind, items in DEFAULTS.items()
            for position, (code, label) in enumerate(items)
            if (kind, code) not in existing
        ])


class Migration(migrations.Migration):
    dependencies = [("references", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
