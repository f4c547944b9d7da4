"""URLs for tests/ops/test_settings_guards.py: the site's own, plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a deliberate failure, to see the error page")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("ops-test/erreur/", fails), path("ops-test/interdit/", forbidden), *site_urlpatterns]
