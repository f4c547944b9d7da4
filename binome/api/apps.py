from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "binome.api"
    label = "api"
    verbose_name = "API des associations"

    def ready(self):
        from binome.api import receivers  # noqa: F401
