"""Production: PostgreSQL, HTTPS only, refuses to start when a required variable is missing."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

for _required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"La variable d'environnement {_required} est obligatoire en production.")
# The demo mode relaxes MFA and shows demo accounts: never on a production instance.
if env_bool("BINOME_DEMO"):
    raise ImproperlyConfigured(
        "BINOME_DEMO=1 est refusé en production : le mode démonstration ne sert qu'avec ./run. "
        "Retirez BINOME_DEMO de l'environnement."
    )
if not env_bool("BINOME_REQUIRE_MFA", default=True):
    raise ImproperlyConfigured(
        "BINOME_REQUIRE_MFA=0 est refusé en production : chaque compte professionnel doit utiliser "
        "la double authentification. Retirez BINOME_REQUIRE_MFA de l'environnement."
    )
BINOME_DEMO = False
BINOME_REQUIRE_MFA = True

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-binome_session"
CSRF_COOKIE_NAME = "__Host-csrftoken"
