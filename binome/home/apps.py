from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "binome.home"
    label = "home"
