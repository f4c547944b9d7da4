from django.db.models.signals import post_save
from django.dispatch import receiver

from binome.accounts.models import Organisation
from binome.references.services import references_ensure_defaults


@receiver(post_save, sender=Organisation)
def departement_gets_default_lists(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.is_departement:
        references_ensure_defaults(departement=instance)
