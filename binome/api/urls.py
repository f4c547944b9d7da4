from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from binome.api import endpoints, views

app_name = "api"

open_doc = {"authentication_classes": [], "permission_classes": [AllowAny], "throttle_classes": []}

urlpatterns = [
    # The manager's page (web, session, @policy).
    path("jetons-api/", views.tokens, name="tokens"),
    path("jetons-api/<uuid:token_id>/revoquer/", views.token_revoke_view, name="token_revoke"),
    # The API itself (token, scopes).
    path("api/v1/orientations/", endpoints.OrientationList.as_view(), name="orientations"),
    path(
        "api/v1/orientations/<uuid:orientation_id>/",
        endpoints.OrientationDetail.as_view(),
        name="orientation",
    ),
    path("api/v1/pairs/", endpoints.PairList.as_view(), name="pairs"),
    path("api/v1/pairs/<uuid:pair_id>/", endpoints.PairDetail.as_view(), name="pair"),
    path("api/v1/reported-pairs/", endpoints.ReportedPairList.as_view(), name="reported_pairs"),
    path("api/v1/reported-meetings/", endpoints.ReportedMeetingsList.as_view(), name="reported_meetings"),
    path("api/v1/reports/", endpoints.ReportList.as_view(), name="reports"),
    path("api/v1/reports/<uuid:report_id>/", endpoints.ReportDetail.as_view(), name="report"),
    path("api/v1/indicators/", endpoints.IndicatorList.as_view(), name="indicators"),
    path("api/v1/events/", endpoints.EventList.as_view(), name="events"),
    # Schema and documentation: public (no data), served from the packages' own files.
    path("api/schema/", SpectacularAPIView.as_view(**open_doc), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", **open_doc
        ),
        name="docs",
    ),
    re_path(r"^api/.*$", endpoints.NotFound.as_view(), name="not_found"),
]
