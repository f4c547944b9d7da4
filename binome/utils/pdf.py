"""PDF rendering with WeasyPrint. Only our own static files and inlined images may be loaded:
never the network. Consent forms, agreements and the Cotech pack all go through here."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:image/"):
                return super().fetch(url, headers)
            if url.startswith("static:"):
                path = finders.find(url[len("static:") :])
                if path:
                    return super().fetch(Path(path).as_uri(), headers)
            raise ValueError(f"Ressource refusée dans un PDF : {url[:40]}")

    return LocalFetcher()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=local_fetcher(), base_url="static:").write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, {"brand_name": settings.BINOME_BRAND_NAME, **context}))
