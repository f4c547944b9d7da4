"""Who an API request is: a token of an association, acting as that association's staff.

DRF's `request.user` is an `ApiClient`. Its `membership` is an unsaved coordinator membership of the
association, so every `visible_to(membership)` queryset gives the API exactly what the association's
staff see in the web pages — never more (`tests/api/test_matrix.py` walks every endpoint)."""

from django.utils.functional import cached_property
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from binome.accounts.models import Membership, Role
from binome.api.services import token_check


class ApiClient:
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True
    pk = None

    def __init__(self, token):
        self.token = token
        self.association = token.association

    @cached_property
    def membership(self) -> Membership:
        return Membership(organisation=self.association, role=Role.COORDINATOR, is_active=True)

    def has_scope(self, scope: str) -> bool:
        return scope in self.token.scopes

    def __str__(self):
        return f"jeton {self.token.hint}…"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed("En-tête attendu : Authorization: Bearer <jeton>.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Jeton illisible.") from None
        token = token_check(raw)
        if token is None:
            # One answer for unknown, revoked or expired: nothing to learn by trying.
            raise exceptions.AuthenticationFailed("Jeton inconnu, expiré ou révoqué.")
        return ApiClient(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d'API de l'association, créé par son ou sa responsable.",
        }


class HasScope(permissions.BasePermission):
    """Each endpoint declares `scopes = {"GET": "pairs:read", …}`; a method it does not list is refused:
    405 when the endpoint has no such method at all, 403 otherwise."""

    message = "La portée de ce jeton ne permet pas cette action."

    def has_permission(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return False  # DRF then answers 401 (no credentials) rather than 403
        required = required_scope(view, request.method)
        if required is None:
            # DRF looks for the handler only after the permissions: without this, DELETE on a list
            # answered 403 « scope_missing », as if some token could ever do it.
            if request.method.lower() not in view.http_method_names or not hasattr(
                view, request.method.lower()
            ):
                raise exceptions.MethodNotAllowed(request.method)
            return False
        if isinstance(required, tuple):  # any of them
            return any(client.has_scope(s) for s in required)
        return client.has_scope(required)


def required_scope(view, method: str):
    scopes = getattr(view, "scopes", {})
    return scopes.get("GET") if method in ("HEAD", "OPTIONS") else scopes.get(method)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Per token: DRF answers 429 with `Retry-After` past `BINOME_API_RATE`."""

    scope = "token"

    def get_cache_key(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.token.pk}
