from django.urls import path

from binome.accounts.proconnect import views

# Mounted by allauth under /comptes/ (allauth.urls builds each provider's patterns).
urlpatterns = [
    path("proconnect/login/", views.login, name="proconnect_login"),
    path("proconnect/login/callback/", views.callback, name="proconnect_callback"),
    path("proconnect/invitation/", views.invitation_login, name="proconnect_invitation"),
    path("proconnect/deconnexion/", views.logout_done, name="proconnect_logout_done"),
    path("proconnect/deconnexion/suite/", views.logout_continue, name="proconnect_logout_continue"),
    path(
        "proconnect/deconnexion/federation/",
        views.end_federation_session,
        name="proconnect_end_federation_session",
    ),
]
