"""The load bench (bench/load/): production-like (DEBUG off, PostgreSQL, Redis, MFA on) over plain
HTTP on 127.0.0.1, with e-mails written to files so that the bench can count them."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES, VAR_DIR

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
BINOME_DEMO = False
BINOME_REQUIRE_MFA = True
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mails"
# Every simulated user logs in from 127.0.0.1: the per-IP limits would stop the 50 at once.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "1000/m/ip,5/15m/key",
    "login": "1000/m/ip",
    "reset_password": "20/m/ip",
}
# Static files straight from the source folders (no collectstatic); the bench asks for pages only.
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
