from django.urls import path

from binome.youths import ase_views, views

app_name = "youths"

urlpatterns = [
    path("jeunes/", views.youth_list, name="list"),
    path("jeunes/nouveau/", views.youth_edit, name="create"),
    path("jeunes/importer/", views.youth_import, name="import"),
    path("jeunes/importer/modele.<str:fmt>", views.youth_import_template, name="import_template"),
    path("jeunes/importer/<uuid:job_id>/", views.youth_import_job, name="import_job"),
    path("jeunes/importer/<uuid:job_id>/etat/", views.youth_import_job_status, name="import_job_status"),
    path("jeunes/<uuid:youth_id>/", views.youth_detail, name="detail"),
    path("jeunes/<uuid:youth_id>/modifier/", views.youth_edit, name="edit"),
    path("jeunes/<uuid:youth_id>/sortie/", views.youth_archive, name="archive"),
    path("jeunes/<uuid:youth_id>/evaluation/", views.assessment_add, name="assessment_add"),
    path("jeunes/<uuid:youth_id>/proposition/", views.proposal_record, name="proposal_record"),
    path("jeunes/<uuid:youth_id>/information/", views.information_add, name="information_add"),
    path("jeunes/<uuid:youth_id>/consentements/ajouter/", views.consent_add, name="consent_add"),
    path(
        "jeunes/<uuid:youth_id>/formulaire-consentement.pdf", views.consent_form_pdf, name="consent_form_pdf"
    ),
    path("jeunes/<uuid:youth_id>/orientation/", views.referral_edit, name="referral_edit"),
    path("consentements/<uuid:consent_id>/retirer/", views.consent_withdraw, name="consent_withdraw"),
    path("consentements/<uuid:consent_id>/document/", views.consent_document, name="consent_document"),
    path("orientations/<uuid:referral_id>/retirer/", views.referral_withdraw, name="referral_withdraw"),
    path("orientations/a-orienter/", views.routing_queue, name="routing_queue"),
    path("orientations/<uuid:referral_id>/orienter/", views.referral_route, name="referral_route"),
    path(
        "orientations/<uuid:referral_id>/service-ase/",
        ase_views.referral_route_to_service_view,
        name="referral_route_to_service",
    ),
    path("orientations/recues/", views.inbox, name="inbox"),
    path("orientations/recues/<uuid:referral_id>/", views.received_detail, name="received_detail"),
    path("orientations/recues/<uuid:referral_id>/accepter/", views.received_accept, name="received_accept"),
    path("orientations/recues/<uuid:referral_id>/refuser/", views.received_decline, name="received_decline"),
    path("pilotage/couverture/", views.coverage_view, name="coverage"),
    path("pilotage/dossiers-bloques/", views.blocked, name="blocked"),
    path("parcours/reglages/", views.pathway_settings, name="pathway_settings"),
    path("parcours/notice-information.pdf", views.leaflet_pdf, name="leaflet_pdf"),
    path("listes/", views.reference_lists, name="reference_lists"),
    path("listes/<str:kind>/ajouter/", views.reference_edit, name="reference_add"),
    path("listes/element/<uuid:item_id>/", views.reference_edit, name="reference_edit"),
]
