from django.apps import AppConfig


class DevserverConfig(AppConfig):
    name = "binome.utils.devserver"
    label = "devserver"
    verbose_name = "Serveur de développement"
