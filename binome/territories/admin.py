from django.contrib import admin

from binome.territories.models import Commune, Territory


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "departement_code", "population"]
    list_filter = ["departement_code"]
    search_fields = ["name", "insee_code"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "departement"]
    list_filter = ["departement"]
    filter_horizontal = ["communes"]
