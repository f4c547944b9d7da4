from django.urls import path

from binome.accounts import label_views, onboarding_views, views

app_name = "accounts"

urlpatterns = [
    path("organisation/changer/", views.organisation_switch, name="organisation_switch"),
    path("equipe/", views.members, name="members"),
    path("equipe/inviter/", views.member_invite, name="member_invite"),
    path("equipe/<uuid:membership_id>/desactiver/", views.member_deactivate, name="member_deactivate"),
    path("invitations/<uuid:invitation_id>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("partenaires/", views.partner_list, name="partner_list"),
    path("partenaires/services-ase/nouveau/", views.ase_service_create, name="ase_service_create"),
    path("partenaires/associations/ajouter/", onboarding_views.association_find, name="association_find"),
    path(
        "partenaires/associations/nouvelle/", onboarding_views.association_create, name="association_create"
    ),
    path("partenaires/<uuid:organisation_id>/", views.partner_detail, name="partner_detail"),
    path("partenaires/<uuid:organisation_id>/inviter/", views.partner_invite, name="partner_invite"),
    path(
        "partenaires/<uuid:organisation_id>/coordonnees/",
        onboarding_views.partner_details_edit,
        name="partner_details_edit",
    ),
    path("equipe/coordonnees/", onboarding_views.own_details_edit, name="own_details_edit"),
    path(
        "plateforme/organisations/<uuid:organisation_id>/coordonnees/",
        onboarding_views.platform_details_edit,
        name="platform_details_edit",
    ),
    path("plateforme/comptes/", onboarding_views.platform_accounts, name="platform_accounts"),
    path(
        "partenaires/<uuid:organisation_id>/label/", label_views.partner_label_edit, name="partner_label_edit"
    ),
    path("equipe/label/", label_views.own_label_edit, name="own_label_edit"),
    path("plateforme/organisations/", onboarding_views.platform_organisations, name="platform_organisations"),
    path(
        "plateforme/organisations/<uuid:organisation_id>/",
        onboarding_views.platform_organisation,
        name="platform_organisation",
    ),
    path(
        "plateforme/departements/nouveau/",
        onboarding_views.platform_departement_create,
        name="platform_departement_create",
    ),
    path(
        "plateforme/departements/mise-en-place/",
        onboarding_views.platform_departement_done,
        name="platform_departement_done",
    ),
    path(
        "plateforme/comptes/<uuid:user_id>/desactiver/",
        onboarding_views.platform_account_deactivate,
        name="platform_account_deactivate",
    ),
    path(
        "plateforme/comptes/<uuid:user_id>/reactiver/",
        onboarding_views.platform_account_reactivate,
        name="platform_account_reactivate",
    ),
]
