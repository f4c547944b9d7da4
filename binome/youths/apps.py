from django.apps import AppConfig


class YouthsConfig(AppConfig):
    name = "binome.youths"
    label = "youths"
    verbose_name = "Parcours des jeunes"

    def ready(self):
        from binome.youths import attention, tasks  # noqa: F401
