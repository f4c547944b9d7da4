from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "binome.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
