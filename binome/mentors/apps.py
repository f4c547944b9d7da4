from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "binome.mentors"
    label = "mentors"
    verbose_name = "Parcours des mentors"

    def ready(self):
        from binome.mentors import attention, tasks  # noqa: F401
