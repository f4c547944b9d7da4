from django.urls import path

from binome.accounts import access_log

app_name = "audit"  # the page's URL names stay audit:access_log

urlpatterns = [path("", access_log.access_log, name="access_log")]
