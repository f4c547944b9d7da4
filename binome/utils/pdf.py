"""PDF rendering with WeasyPrint. Only our own static files may be loaded: never the network."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _local_only(url: str):
    from weasyprint import default_url_fetcher

    prefix = "static:"
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            return default_url_fetcher(Path(path).as_uri())
    raise ValueError(f"Ressource refusée dans un PDF : {url[:80]}")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"brand_name": settings.BINOME_BRAND_NAME, **context})
    return HTML(string=html, url_fetcher=_local_only, base_url="static:").write_pdf()
