from django.contrib import admin

from binome.references.models import ReferenceItem


@admin.register(ReferenceItem)
class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "code", "departement", "position", "is_active"]
    list_filter = ["kind", "departement", "is_active"]
