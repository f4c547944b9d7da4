"""A form is saved once, however often it is sent (double click, two tabs, a slow network retried).

Every POST form already carries `{% csrf_token %}`; this module's tag of the same name (a template
builtin, see settings.TEMPLATES) adds a one-time token beside Django's, so no template can forget it.
The middleware claims the token atomically in the shared cache (Redis, or the database cache) before the
view runs: a second request with the same token does not reach the view. It waits for the first to end
and is sent where the first one led (the meeting, the youth's page…), with a message.

A refused form (4xx: errors shown again with a fresh token) frees its token, so the same page may be
sent again after a failure. Requests without a token (tests, the API, htmx GETs) are left alone.
"""

import re
import secrets
import time

from django import template
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

FIELD = "envoi_unique"
KEEP_SECONDS = 2 * 3600  # double clicks and retries come within minutes
WAIT_SECONDS = 10
PENDING = "…"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
ALREADY_SENT = "Ce formulaire avait déjà été envoyé : il n'a été enregistré qu'une fois."

register = template.Library()


class CsrfAndOnceNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html(
            '<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(24)
        )


@register.tag
def csrf_token(parser, token):
    return CsrfAndOnceNode()


def _key(token: str) -> str:
    return f"submit-once:{token}"


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            self._free(request)
            raise
        key = getattr(request, "_submit_once_key", None)
        if key is not None:
            if response.status_code >= 400:
                self._free(request)
            else:
                location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
                cache.set(key, location, KEEP_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        token = request.POST.get(FIELD, "")
        if not TOKEN.fullmatch(token):
            return None
        key = _key(token)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if cache.add(key, PENDING, KEEP_SECONDS):
                request._submit_once_key = key
                return None  # first (or the first was refused: this one shows the errors again)
            location = cache.get(key)
            if location is not None and (location != PENDING or time.monotonic() > deadline):
                return self._already_sent(request, location)
            time.sleep(0.05)

    @staticmethod
    def _free(request):
        if getattr(request, "_submit_once_key", None):
            cache.delete(request._submit_once_key)

    def _already_sent(self, request, location):
        """Where the first request led; else back to the page the form was on."""
        if location in (PENDING, ""):
            location = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(location, {request.get_host()}, request.is_secure()):
            location = "/"
        messages.info(request, ALREADY_SENT)
        response = redirect(location)
        response.status_code = 303  # See Other: the browser follows with a GET
        return response
