"""ProConnect identities stored before keep only `sub` and `amr` (provider.extract_extra_data): the
userinfo and ID token they held repeated the agent's name and address."""

from django.db import migrations


def trim(apps, schema_editor):
    SocialAccount = apps.get_model("socialaccount", "SocialAccount")
    for account in SocialAccount.objects.filter(provider="proconnect"):
        data = account.extra_data or {}
        id_token = data.get("id_token") or {}
        account.extra_data = {
            "sub": str(data.get("sub") or id_token.get("sub") or account.uid),
            "amr": list(data.get("amr") or id_token.get("amr") or []),
        }
        account.save(update_fields=["extra_data"])


class Migration(migrations.Migration):
    dependencies = [("socialaccount", "0006_alter_socialaccount_extra_data")]

    operations = [migrations.RunPython(trim, migrations.RunPython.noop)]
