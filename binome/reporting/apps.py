from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "binome.reporting"
    label = "reporting"
    verbose_name = "Suivi mensuel des associations"
