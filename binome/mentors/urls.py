from django.urls import path

from binome.mentors import views

app_name = "mentors"

urlpatterns = [
    path("candidater/<uuid:association_id>/", views.apply, name="apply"),
    path("candidater/<uuid:association_id>/merci/", views.apply_thanks, name="apply_thanks"),
    path("mentors/", views.mentor_list, name="list"),
    path("mentors/nouveau/", views.mentor_edit, name="create"),
    path("mentors/<uuid:mentor_id>/", views.mentor_detail, name="detail"),
    path("mentors/<uuid:mentor_id>/modifier/", views.mentor_edit, name="edit"),
    path("mentors/<uuid:mentor_id>/etape/", views.mentor_move, name="move"),
    path("mentors/<uuid:mentor_id>/formation/", views.mentor_enrol, name="enrol"),
    path("formations/", views.training_list, name="training_list"),
    path("formations/sessions/nouvelle/", views.training_session_edit, name="training_session_create"),
    path("formations/sessions/<uuid:session_id>/", views.training_session, name="training_session"),
    path(
        "formations/sessions/<uuid:session_id>/modifier/",
        views.training_session_edit,
        name="training_session_edit",
    ),
    path("formations/modules/nouveau/", views.training_module_edit, name="training_module_create"),
    path("formations/modules/<uuid:module_id>/", views.training_module_edit, name="training_module_edit"),
    path("formations/reglages/", views.mentor_settings, name="settings"),
    path("honorabilite/", views.check_list, name="check_list"),
    path("honorabilite/export.<str:fmt>", views.check_export, name="check_export"),
    path("honorabilite/import/", views.check_import, name="check_import"),
    path("honorabilite/mentors/<uuid:mentor_id>/", views.check_record, name="check_record"),
    path(
        "honorabilite/controles/<uuid:check_id>/confirmer/",
        views.check_confirm_failure,
        name="check_confirm_failure",
    ),
]
