from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from binome.mentors.models import HonorabilityCheck, Mentor, TrainingModule, TrainingSession


@admin.register(Mentor)
class MentorAdmin(SimpleHistoryAdmin):
    list_display = ["id", "association", "stage", "training_complete", "honorability_valid_until"]
    list_filter = ["association", "stage"]


@admin.register(HonorabilityCheck)
class HonorabilityCheckAdmin(admin.ModelAdmin):
    list_display = ["mentor", "departement", "requested_on", "result", "valid_until"]
    list_filter = ["result", "departement"]


admin.site.register(TrainingModule)
admin.site.register(TrainingSession)
