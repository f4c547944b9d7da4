from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "binome.territories"
    label = "territories"
