# The coverage funnel (steering) counted from one covering index of the département's youths.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0010_youth_import_job"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="youth",
            name="youth_dep_birth_cover",
        ),
        migrations.AddIndex(
            model_name="youth",
            index=models.Index(
                fields=["departement", "birth_date"],
                include=(
                    "id",
                    "archived_at",
                    "care_started_on",
                    "proposal_date",
                    "proposal_outcome",
                    "consents_complete",
                    "school_level",
                    "ase_service",
                    "territory",
                ),
                name="youth_dep_funnel_cover",
            ),
        ),
    ]
