from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from binome.conventions.models import Convention


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    list_display = ["association", "departement", "status", "start_date", "end_date"]
    list_filter = ["status", "departement"]
