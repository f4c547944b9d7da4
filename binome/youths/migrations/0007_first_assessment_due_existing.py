"""Existing youths: their first assessment's due date (art. D.221-34), from what is known today (the
date care started is not: the entry into collège, from the school level as of this school year)."""

import datetime

from django.db import migrations


def fill(apps, schema_editor):
    from binome.youths.rules import first_assessment_due, school_year_of

    Youth = apps.get_model("youths", "Youth")
    this_year = school_year_of(datetime.date.today())
    rows = Youth.objects.filter(first_assessment_due_on__isnull=True).select_related("school_level")
    for youth in rows.iterator(chunk_size=1000):
        code = youth.school_level.code if youth.school_level_id else None
        year = this_year if code else None
        Youth.objects.filter(pk=youth.pk).update(
            school_year=year, first_assessment_due_on=first_assessment_due(youth.birth_date, None, code, year)
        )


class Migration(migrations.Migration):
    dependencies = [("youths", "0006_care_start_and_school_year")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
