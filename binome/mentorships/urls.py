from django.urls import path

from binome.mentorships import activity_views, ase_views, views

app_name = "mentorships"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("departement/", views.overview, name="overview"),
    path("service/", ase_views.service_pairing, name="service_pairing"),
    path("service/<uuid:referral_id>/former/", ase_views.service_pair_create, name="service_pair_create"),
    path("reglages/", views.follow_up_settings, name="settings"),
    path("modele-de-convention/", views.agreement_template, name="agreement_template"),
    path(
        "modele-de-convention/apercu.pdf", views.agreement_template_preview, name="agreement_template_preview"
    ),
    path("<uuid:mentorship_id>/", views.detail, name="detail"),
    path("<uuid:mentorship_id>/avenant/", views.amendment_create, name="amendment_create"),
    path("<uuid:mentorship_id>/lancement/", views.launch, name="launch"),
    path("<uuid:mentorship_id>/lancement/prevoir/", views.launch_plan, name="launch_plan"),
    path("<uuid:mentorship_id>/rencontres/nouvelle/", views.meeting_edit, name="meeting_create"),
    path("<uuid:mentorship_id>/rencontres/<uuid:meeting_id>/", views.meeting_edit, name="meeting_edit"),
    path("<uuid:mentorship_id>/contacts/", views.contact_record, name="contact_record"),
    path("<uuid:mentorship_id>/preoccupation/", views.concern_raise, name="concern_raise"),
    path("<uuid:mentorship_id>/lien-mentor/", views.mentor_link, name="mentor_link"),
    path("<uuid:mentorship_id>/charge-de-mentorat/", views.coordinator_change, name="coordinator_change"),
    path("<uuid:mentorship_id>/bilan/", views.review_record, name="review_record"),
    path("<uuid:mentorship_id>/projet/", views.project_mention, name="project_mention"),
    path("<uuid:mentorship_id>/cloture/", views.close, name="close"),
    path("<uuid:mentorship_id>/reouverture/", views.reopen, name="reopen"),
    path("<uuid:mentorship_id>/reconduction/", views.renew, name="renew"),
    path("<uuid:mentorship_id>/nouveau-mentor/", views.rematch, name="rematch"),
    path("conventions/<uuid:agreement_id>/termes/", views.agreement_edit, name="agreement_edit"),
    path("conventions/<uuid:agreement_id>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("conventions/<uuid:agreement_id>/signatures/", views.agreement_sign, name="agreement_sign"),
    path("signatures/<uuid:signature_id>/retirer/", views.signature_remove, name="signature_remove"),
    path("signatures/<uuid:signature_id>/document/", views.signature_document, name="signature_document"),
    path("preoccupations/<uuid:concern_id>/", views.concern_resolve, name="concern_resolve"),
    path("activites/", activity_views.activity_list, name="activity_list"),
    path("activites/nouvelle/", activity_views.activity_edit, name="activity_create"),
    path("activites/<uuid:activity_id>/", activity_views.activity_detail, name="activity_detail"),
    path("activites/<uuid:activity_id>/modifier/", activity_views.activity_edit, name="activity_edit"),
    path("espace-mentor/", views.mentor_home, name="mentor_home"),
    path("espace-mentor/acces/<str:token>/", views.mentor_access, name="mentor_access"),
    path("espace-mentor/rencontres/nouvelle/", views.mentor_meeting, name="mentor_meeting_create"),
    path("espace-mentor/rencontres/<uuid:meeting_id>/", views.mentor_meeting, name="mentor_meeting"),
    path("espace-mentor/preoccupation/", views.mentor_concern, name="mentor_concern"),
    path("espace-mentor/quitter/", views.mentor_logout, name="mentor_logout"),
]
