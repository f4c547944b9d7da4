from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "binome.conventions"
    label = "conventions"
    verbose_name = "Conventions"
