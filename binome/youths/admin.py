from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from binome.youths.models import PathwaySettings, Referral, Youth


@admin.register(Youth)
class YouthAdmin(SimpleHistoryAdmin):
    # Platform administrators fix data, they do not browse files: no names in the list.
    list_display = [
        "id",
        "departement",
        "ase_service",
        "legal_status",
        "proposal_outcome",
        "consents_complete",
    ]
    list_filter = ["departement", "legal_status", "proposal_outcome"]
    search_fields = ["external_id"]


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ["id", "departement", "association", "state", "submitted_at", "routed_at", "accepted_at"]
    list_filter = ["state", "departement"]


admin.site.register(PathwaySettings)
