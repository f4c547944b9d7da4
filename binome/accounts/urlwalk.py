"""Walks the URL configuration, for the permission matrix (its test and its documentation)."""

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass
class Route:
    name: str  # namespaced URL name, e.g. "accounts:members"
    pattern: str  # the path as written, e.g. "equipe/<uuid:membership_id>/desactiver/"
    view: object
    converters: dict
    third_party: str | None  # key of perms.THIRD_PARTY_POLICIES when we did not write the view

    @property
    def policy(self) -> str | None:
        return getattr(self.view, "binome_policy", None)

    def sample_kwargs(self) -> dict:
        """Arguments that resolve: random UUIDs (matching nothing) and a dummy token."""
        kwargs = {}
        for name, converter in self.converters.items():
            kwargs[name] = (
                uuid.uuid4() if converter.__class__.__name__ == "UUIDConverter" else "jeton-factice"
            )
        return kwargs


def _third_party_of(module: str, namespace: str, urlconf: str = "") -> str | None:
    if namespace == "admin" or module.startswith("django.contrib.admin"):
        return "admin"
    if module.startswith("allauth"):
        return "allauth"
    if module.startswith("django.views.generic") and urlconf.startswith("allauth"):
        return "allauth"  # allauth's redirects from its former social/… addresses
    if module.startswith(("binome.api.endpoints", "drf_spectacular")):
        return "api"  # token and scopes, not roles: tests/api/test_matrix.py walks these
    return None


def walk(resolver=None, prefix="", namespace="", converters=None, urlconf="") -> list[Route]:
    resolver = resolver or get_resolver()
    converters = converters or {}
    urlconf = getattr(resolver.urlconf_module, "__name__", "") or urlconf
    routes = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        entry_converters = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes += walk(entry, pattern, child_namespace, entry_converters, urlconf)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            view = entry.callback
            module = getattr(view, "__module__", "") or ""
            routes.append(
                Route(
                    name=name,
                    pattern=pattern,
                    view=view,
                    converters=entry_converters,
                    third_party=_third_party_of(module, namespace.split(":")[0], urlconf),
                )
            )
    return routes


def undeclared(routes: list[Route]) -> list[Route]:
    """Our own views that carry no access policy: each one is a hole in the permission matrix."""
    return [r for r in routes if r.third_party is None and r.policy is None]
