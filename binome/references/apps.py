from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "binome.references"
    label = "references"
    verbose_name = "Listes de référence"

    def ready(self):
        from binome.references import signals  # noqa: F401
