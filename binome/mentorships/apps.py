from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "binome.mentorships"
    label = "mentorships"
    verbose_name = "Binômes"

    def ready(self):
        from binome.mentorships import attention, receivers, tasks  # noqa: F401
