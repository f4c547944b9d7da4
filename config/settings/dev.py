"""Local development and the `./run` demo: SQLite, console e-mails, debug pages."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import BINOME_DEMO, STORAGES, VAR_DIR, env_bool, env_list

# The demo (./run) shows the French error pages, not Django's debug pages that list every URL;
# DEBUG=1 brings them back for development.
DEBUG = env_bool("DEBUG", default=not BINOME_DEMO)
if not DEBUG:
    # Without DEBUG, whitenoise serves the static files straight from the source folders: no
    # collectstatic, no manifest to rebuild after each change.
    WHITENOISE_USE_FINDERS = True
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mails"
