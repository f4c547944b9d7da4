from django.urls import path

from binome.conventions import views

app_name = "conventions"

urlpatterns = [
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_edit, name="convention_create"),
    path("conventions/<uuid:convention_id>/", views.convention_detail, name="convention_detail"),
    path("conventions/<uuid:convention_id>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<uuid:convention_id>/accepter/", views.convention_accept, name="convention_accept"),
    path("conventions/<uuid:convention_id>/refuser/", views.convention_decline, name="convention_decline"),
    path(
        "conventions/verifications/<uuid:check_id>/piece/",
        views.capacity_evidence,
        name="capacity_evidence",
    ),
]
