# The steering indicators filter pairs on their launch date: read it from the covering index.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0011_coordination"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="mentorship",
            name="pair_dep_validated_cover",
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(
                fields=["departement", "validated_at"],
                include=(
                    "ended_at",
                    "started_at",
                    "youth",
                    "association",
                    "is_renewal",
                    "id",
                    "referral_accepted_at",
                ),
                name="pair_dep_validated_cover",
            ),
        ),
    ]
