from django.urls import path

from binome.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("nouveau/", views.territory_edit, name="create"),
    path("<uuid:territory_id>/", views.territory_edit, name="edit"),
]
