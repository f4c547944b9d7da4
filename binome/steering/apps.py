from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "binome.steering"
    label = "steering"
    verbose_name = "Pilotage"

    def ready(self):
        from binome.steering import providers  # noqa: F401 — registers the engine for reporting
