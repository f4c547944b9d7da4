from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin has no login form of its own: it sends people through allauth (rate limits, MFA).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Binôme — administration de la plateforme"
admin.site.site_title = "Binôme"

urlpatterns = [
    path("", include("binome.home.urls")),
    path("comptes/", include("allauth.urls")),
    path("", include("binome.accounts.urls")),
    path("", include("binome.conventions.urls")),
    path("", include("binome.youths.urls")),
    path("", include("binome.mentors.urls")),
    path("mise-en-binome/", include("binome.matching.urls")),
    path("binomes/", include("binome.mentorships.urls")),
    path("questionnaires/", include("binome.surveys.urls")),
    path("suivi-mensuel/", include("binome.reporting.urls")),
    path("pilotage/", include("binome.steering.urls")),
    path("journal/", include("binome.accounts.access_log_urls")),
    path("territoires/", include("binome.territories.urls")),
    path("", include("binome.api.urls")),
    path("admin-plateforme/", admin.site.urls),
]
