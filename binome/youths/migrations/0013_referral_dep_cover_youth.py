# The coverage funnel (steering) reads the youths oriented and accepted by a date from these indexes alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0012_youthimportjob_attempts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referral_dep_submitted"),
        migrations.RemoveIndex(model_name="referral", name="referral_dep_accepted"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["departement", "submitted_at"], include=("youth",), name="referral_dep_submitted"
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["departement", "accepted_at"], include=("youth",), name="referral_dep_accepted"
            ),
        ),
    ]
