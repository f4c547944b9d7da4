"""Keep secrets and personal data out of the server's access logs.

Some links carry a secret in their path (an invitation, a mentor's access link, a questionnaire, a
password reset): whoever reads the access log could open them. Query strings may hold what someone
typed in a search box (a name). So the logs keep the path only, with the secret parts replaced by
« … »; both gunicorn (`config/gunicorn.py`) and the development server (`django.server` logger) go
through `redact_path`.
"""

import logging
import re
from urllib.parse import urlsplit

from gunicorn.glogging import Logger as GunicornBaseLogger

# Names of URL parameters that carry a secret (ours: token; allauth's password reset: uidb36 + key,
# its e-mail confirmation: key). tests/ops/test_log_redaction.py walks every URL pattern and fails
# when a route holds a string parameter that is neither listed here nor declared harmless there.
SECRET_KWARGS = frozenset({"token", "key", "uidb36"})
MASK = "…"

_PATH_IN_TEXT = re.compile(r'(?<![^\s"])/[^\s"]*')


def redact_path(path: str) -> str:
    """The path without its query string, with the secret URL parameters masked."""
    from django.urls import Resolver404, resolve  # imported late: gunicorn loads this before Django

    path = (path or "").split("?", 1)[0].split("#", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return path
    except Exception:  # settings not loaded yet, or a path Django refuses: keep nothing risky
        return "/" + MASK
    secrets_in_path = sorted(
        (str(value) for name, value in match.kwargs.items() if name in SECRET_KWARGS and value),
        key=len,
        reverse=True,
    )
    if not secrets_in_path:
        return path
    # Only in the segments that are not fixed words of the route (« key » in allauth's reset path).
    fixed = set(re.split(r"[/^$]", match.route or ""))
    segments = path.split("/")
    for index, segment in enumerate(segments):
        if segment and segment not in fixed:
            for value in secrets_in_path:
                segment = segment.replace(value, MASK)
            segments[index] = segment
    return "/".join(segments)


def redact_text(text: str) -> str:
    """Every path found in a log line (« GET /x/?q=… HTTP/1.1 », « Not Found: /x/ ») redacted."""
    return _PATH_IN_TEXT.sub(lambda found: redact_path(found.group(0)), text)


class RedactPathsFilter(logging.Filter):
    """For the `django.server` (runserver) and `django.request` loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = redact_text(record.msg)
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's access log with paths redacted, no query string and no referrer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms.update(U=path, q="", r=f"{atoms['m']} {path} {atoms['H']}")
        referrer = environ.get("HTTP_REFERER")
        atoms["f"] = redact_path(urlsplit(referrer).path) if referrer else "-"
        for name in ("{referer}i", "{raw_uri}e", "{path_info}e", "{query_string}e", "{http_referer}e"):
            atoms.pop(name, None)
        return atoms
