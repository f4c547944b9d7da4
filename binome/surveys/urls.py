from django.urls import path

from binome.surveys import views

app_name = "surveys"

urlpatterns = [
    path("r/<str:token>/", views.answer, name="answer"),
    path("reponses/<uuid:response_id>/saisie/", views.enter, name="enter"),
    path("reponses/<uuid:response_id>/lien/", views.youth_link, name="youth_link"),
]
