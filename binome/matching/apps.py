from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "binome.matching"
    label = "matching"
    verbose_name = "Mise en binôme"

    def ready(self):
        from binome.matching import attention  # noqa: F401
