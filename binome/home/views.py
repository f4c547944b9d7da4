from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from binome.accounts.perms import policy
from binome.home import attention  # noqa: F401  (registers the home page's own providers)
from binome.utils.attention import items_for


@policy("account")
def home(request):
    has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    return render(request, "home/home.html", {"items": items_for(request), "has_totp": has_totp})


@policy("public")
@require_GET
@cache_control(public=True, max_age=3600)
def theme_css(request):
    """The département's colour, as CSS custom properties: no inline style, so the CSP stays strict."""
    color = settings.BINOME_BRAND_COLOR
    if not (
        color.startswith("#")
        and len(color) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in color[1:])
    ):
        color = "#1f4e79"
    return HttpResponse(f":root {{ --brand: {color}; }}\n", content_type="text/css")


@policy("public")
@require_GET
def health(request):
    """For the load balancer and monitoring: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
