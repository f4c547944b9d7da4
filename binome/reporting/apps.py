from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "binome.reporting"
    label = "reporting"
    verbose_name = "Suivi mensuel des associations"

    def ready(self):
        from binome.reporting import attention, tasks  # noqa: F401
