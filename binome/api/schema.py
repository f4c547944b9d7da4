"""The OpenAPI schema as the API behaves: each operation says the scope it needs and the error bodies it
may answer (binome/api/errors.py), and a list says it is paginated (`{next, previous, results}`)."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from binome.api.access import required_scope


class ErrorItemSerializer(serializers.Serializer):
    list = serializers.CharField(required=False, help_text="Pour un lot : « pairs » ou « meetings ».")
    index = serializers.IntegerField(
        required=False, allow_null=True, help_text="Rang dans la liste, à partir de 0."
    )
    field = serializers.CharField(help_text="Champ en cause (vide : l'élément entier).")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code stable, à tester par le logiciel (voir docs/api.md).")
    message = serializers.CharField(help_text="En français, à montrer à une personne.")
    errors = ErrorItemSerializer(
        many=True, required=False, help_text="Lot ou formulaire refusé : chaque erreur."
    )


ERRORS = {
    "400": "Corps JSON illisible (invalid_json), curseur illisible (invalid_cursor), caractère nul (nul_character).",
    "401": "Pas de jeton (authentication_required) ; jeton inconnu, expiré ou révoqué (invalid_token).",
    "403": "La portée du jeton ne couvre pas cette opération (scope_missing).",
    "404": "Objet d'une autre association ou inexistant (not_found).",
    "409": "Un autre envoi a écrit les mêmes binômes au même instant (conflict) : renvoyer le lot.",
    "410": "Curseur plus ancien que la durée de conservation du fil (cursor_expired).",
    "413": "Corps de plus de 5 Mo (payload_too_large).",
    "422": "Requête refusée, rien n'a été écrit : voir « code » et « errors ».",
    "429": "Trop de requêtes pour ce jeton (rate_limited) : attendre Retry-After secondes.",
}


def _scope_text(scope) -> str:
    return " ou ".join(f"`{s}`" for s in scope) if isinstance(scope, tuple) else f"`{scope}`"


class AutoSchema(openapi.AutoSchema):
    def _scoped(self) -> bool:
        return bool(getattr(self.view, "scopes", None))

    def get_operation(self, *args, **kwargs):
        # Here rather than in get_description, which an @extend_schema(description=…) replaces.
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not self._scoped():
            return operation
        text = f"Portée : {_scope_text(required_scope(self.view, self.method))}."
        for field, scope in getattr(self.view, "body_scopes", {}).get(self.method, {}).items():
            text += f" Avec « {field} » : aussi {_scope_text(scope)}."
        description = operation.get("description")
        operation["description"] = f"{description}\n\n{text}" if description else text
        return operation

    def get_extensions(self):
        extensions = super().get_extensions()
        if self._scoped():
            scope = required_scope(self.view, self.method)
            extensions["x-scopes"] = list(scope) if isinstance(scope, tuple) else [scope]
        return extensions

    def _error_codes(self) -> set[str]:
        codes = {"401", "403", "429"}
        if self.method in ("POST", "PUT", "PATCH"):
            codes |= {"400", "413", "422"}
        if self._is_list_view() and self._get_paginator():
            codes.add("400")
        if "{" in self.path:
            codes.add("404")
        return codes | set(getattr(self.view, "error_statuses", ()))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self._scoped():
            return responses
        for code in sorted(self._error_codes()):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code, direction=direction
                )
        return responses
