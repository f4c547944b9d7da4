"""Access logs keep the path only, with the secret of token links masked (issue 12, item 8)."""

import datetime
import io
import logging
import runpy
from types import SimpleNamespace

from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse
from gunicorn.config import Config

from binome.utils.logredact import SECRET_KWARGS, GunicornLogger, redact_path

TOKEN = "Zq3vN8sJ2kL0pXw7_Rt5yUe1-Ab4Cd6Ef9Gh2Ij"
# URL parameters that are not secrets: ids (UUIDs, the admin's primary keys) and fixed words.
HARMLESS_KWARGS = {"kind", "fmt", "app_label", "url", "id"}


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_url_parameter_is_either_an_id_a_fixed_word_or_masked():
    unknown = {
        (route, name)
        for route, pattern in _patterns(get_resolver().url_patterns)
        for name in pattern.pattern.regex.groupindex
        if not name.endswith("_id") and name not in HARMLESS_KWARGS | SECRET_KWARGS
    }
    assert unknown == set(), "Add each new parameter to SECRET_KWARGS (logredact.py) or HARMLESS_KWARGS"


def test_token_links_are_logged_without_their_token():
    for url in (
        reverse("accounts:invitation_accept", kwargs={"token": TOKEN}),
        reverse("mentorships:mentor_access", kwargs={"token": TOKEN}),
        reverse("surveys:answer", kwargs={"token": TOKEN}),
        f"/comptes/password/reset/key/3f-{TOKEN}/",
        f"/comptes/confirm-email/{TOKEN}/",
    ):
        logged = redact_path(url)
        assert TOKEN not in logged and "…" in logged, url
    assert redact_path(f"/invitation/{TOKEN}/") == "/invitation/…/"
    assert redact_path("/comptes/password/reset/key/3f-abc/") == "/comptes/password/reset/key/…-…/"
    assert redact_path("/comptes/password/reset/key/k-e/") == "/comptes/password/reset/key/…-…/"


def test_query_strings_are_dropped_and_other_paths_kept():
    assert redact_path("/jeunes/?q=Dupont&page=2") == "/jeunes/"
    youth = "/jeunes/0b7c6a3e-2f4d-4a53-9d1f-3e1a2b3c4d5e/"
    assert redact_path(youth) == youth
    assert redact_path("/nexiste/pas/") == "/nexiste/pas/"


def test_the_development_server_log_masks_tokens():
    """./run's runserver logs through `django.server`: the handler configured in settings masks."""
    logger = logging.getLogger("django.server")
    assert logger.handlers, settings.LOGGING["loggers"]["django.server"]
    handler = logger.handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        # The call runserver's WSGIRequestHandler.log_message makes.
        logger.info(
            '"%s" %s %s',
            f"GET /binomes/espace-mentor/acces/{TOKEN}/?x=Dupont HTTP/1.1",
            "302",
            "0",
            extra={"request": None, "server_time": "04/Dec/2025 10:00:00", "status_code": 302},
        )
        logging.getLogger("django.request").warning("%s: %s", "Not Found", f"/invitation/{TOKEN}/")
    finally:
        handler.setStream(previous)
    line = stream.getvalue()
    assert '"GET /binomes/espace-mentor/acces/…/ HTTP/1.1" 302 0' in line
    assert TOKEN not in line and "Dupont" not in line


def test_gunicorn_access_log_masks_tokens(tmp_path):
    conf = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    assert conf["logger_class"] == "binome.utils.logredact.GunicornLogger"
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", conf["access_log_format"])
    logger = GunicornLogger(cfg)
    path = f"/questionnaires/r/{TOKEN}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?nom=Dupont",
        "PATH_INFO": path,
        "QUERY_STRING": "nom=Dupont",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://binome.example{path}",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert '"GET /questionnaires/r/…/ HTTP/1.1" 200 1234 42ms' in line
    assert TOKEN not in line and "Dupont" not in line
