from django.urls import path

from binome.steering import views

app_name = "steering"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tableau.xlsx", views.table_xlsx, name="table_xlsx"),
    path("tableau-de-pilotage.xlsx", views.steering_xlsx, name="steering_xlsx"),
    path("reglages/", views.settings, name="settings"),
    path("national/", views.national, name="national"),
    path("national/vue-nationale.xlsx", views.national_xlsx, name="national_xlsx"),
]
