"""Every API error is JSON, in French, with a stable code a client can test:
`{"code": "scope_missing", "message": "…", "errors": [...]}` (`errors` only for a refused batch or form)."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

CODES = {
    exceptions.NotAuthenticated: (
        "authentication_required",
        "Authentification requise : Authorization: Bearer <jeton>.",
    ),
    exceptions.AuthenticationFailed: ("invalid_token", None),
    exceptions.PermissionDenied: ("scope_missing", None),
    exceptions.NotFound: ("not_found", "Objet introuvable, ou hors du périmètre de votre association."),
    exceptions.MethodNotAllowed: (
        "method_not_allowed",
        "Méthode HTTP non prise en charge par ce point d'accès.",
    ),
    exceptions.ParseError: ("invalid_json", "Corps de la requête illisible : JSON attendu."),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        "Envoyez du JSON (Content-Type: application/json).",
    ),
    exceptions.NotAcceptable: ("not_acceptable", "Seul le JSON est servi (Accept: application/json)."),
    exceptions.Throttled: ("rate_limited", None),
}


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = "Curseur de pagination invalide : reprenez le lien « next » d'une réponse."


class CursorExpired(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "cursor_expired"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Un autre envoi a modifié les mêmes binômes au même moment : rien n'a été enregistré, renvoyez le lot."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class Invalid(exceptions.APIException):
    """A batch or a form refused as a whole: nothing was written; `errors` says where and why."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "invalid"

    def __init__(self, message, errors=None, code="invalid"):
        super().__init__(message)
        self.code = code
        self.errors = errors or []


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        exc = PayloadTooLarge(
            f"Corps de la requête trop volumineux ({limit:g} Mo au plus) : découpez l'envoi en plusieurs lots."
        )
    if isinstance(exc, Invalid):
        return Response(
            {"code": exc.code, "message": str(exc.detail), "errors": exc.errors}, status=exc.status_code
        )
    if not isinstance(exc, exceptions.APIException):
        logger.exception("API: unexpected error in %s", type(context.get("view")).__name__)
        return Response(
            {
                "code": "server_error",
                "message": "Erreur interne : réessayez plus tard ; si elle persiste, "
                "signalez-la à l'équipe de Binôme.",
            },
            status=500,
        )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    code, message = next(
        ((c, m) for kind, (c, m) in CODES.items() if isinstance(exc, kind)),
        (getattr(exc, "default_code", "error"), None),
    )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        headers["Retry-After"] = str(wait)
        message = f"Trop de requêtes pour ce jeton : réessayez dans {wait} seconde{'s' if wait > 1 else ''}."
    body = {"code": code, "message": message or _text(exc.detail)}
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": "Requête invalide.", "errors": _field_errors(exc.detail)}
    return Response(body, status=exc.status_code, headers=headers)


def _text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_text(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(_text(d) for d in detail.values())
    return str(detail)


def _field_errors(detail) -> list:
    if isinstance(detail, dict):
        return [{"field": name, "message": _text(value)} for name, value in detail.items()]
    return [{"field": "", "message": _text(detail)}]
