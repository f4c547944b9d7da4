"""Settings shared by every environment. Everything that varies comes from environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BINOME_VAR_DIR", BASE_DIR / "var"))


def ensure_private_dir(path: Path, variable: str) -> None:
    """Create a data folder readable by the service's account only (0700), or say in French what is wrong.

    A fresh checkout has no var/ yet, and SQLite (the database, huey's queue) cannot create a file in a
    folder that does not exist: every manage.py command would end on « unable to open database file »."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Le dossier de données {path} n'existe pas et ne peut pas être créé ({error.strerror}). "
            f"Créez-le pour le compte qui fait tourner Binôme, ou indiquez un autre dossier avec {variable}."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"Le dossier de données {path} n'est pas accessible en écriture pour le compte qui fait tourner "
            f"Binôme. Donnez-lui les droits, ou indiquez un autre dossier avec {variable}."
        )


ensure_private_dir(VAR_DIR, "BINOME_VAR_DIR")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "binome.utils.devserver",  # runserver in French; before whitenoise: the first app with a command wins
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "simple_history",
    "csp",
    "huey.contrib.djhuey",
    "binome.accounts",
    "binome.territories",
    "binome.references",
    "binome.conventions",
    "binome.youths",
    "binome.mentors",
    "binome.matching",
    "binome.mentorships",
    "binome.surveys",
    "binome.reporting",
    "binome.steering",
    "binome.audit",
    "binome.notifications",
    "binome.home",
    "binome.demo",
    "binome.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "binome.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "binome.accounts.middleware.CurrentOrganisationMiddleware",
    "binome.accounts.middleware.RequireMFAMiddleware",
    "binome.accounts.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "binome.utils.nul_guard.RejectNulMiddleware",
    "binome.utils.submit_once.SubmitOnceMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "binome" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "binome.home.context_processors.shell",
            ],
            # {% csrf_token %} also renders a one-time token: every POST form is saved once.
            "builtins": ["binome.utils.submit_once", "binome.utils.french_tags"],
        },
    },
]

# --- Database: embedded SQLite by default, PostgreSQL when DATABASE_URL is set ---------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'binome.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The steering's covering indexes (`include=`) are a PostgreSQL optimisation; SQLite builds the
    # same indexes without their extra columns, which is all the embedded database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login rate limits live here, so it must be shared between processes) -------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        # One-time form tokens, rate limits and used TOTP codes live here: the default 300 entries,
        # culled by key rather than age, could drop a token still pending.
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "binome_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Background jobs ---------------------------------------------------------------------------
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "binome", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "binome",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"}

# --- Users, login, MFA ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "binome.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts are created from an invitation sent to that address
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Binôme] "
# Lockout: after 5 failed attempts on one address within 15 minutes, that address is refused for the
# rest of the window, whatever the IP; one IP gets 20 failures a minute at most across addresses.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/15m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,3/5m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("BINOME_BRAND_NAME", "Binôme")
# Every professional account must activate TOTP before it sees anything. Only a demo may relax it.
BINOME_DEMO = env_bool("BINOME_DEMO")
BINOME_REQUIRE_MFA = env_bool("BINOME_REQUIRE_MFA", default=True) or not BINOME_DEMO

# --- ProConnect: sign-in for public servants (binome/accounts/proconnect, docs/proconnect.md) --------
# Off (no button, its pages answer 404) unless the issuer, the client id and the secret are all set.
INSTALLED_APPS += ["allauth.socialaccount", "binome.accounts.proconnect"]
SOCIALACCOUNT_ADAPTER = "binome.accounts.proconnect.adapter.SocialAccountAdapter"
BINOME_PROCONNECT_ISSUER = os.environ.get("BINOME_PROCONNECT_ISSUER", "").strip().rstrip("/")
BINOME_PROCONNECT_CLIENT_ID = os.environ.get("BINOME_PROCONNECT_CLIENT_ID", "").strip()
BINOME_PROCONNECT_CLIENT_SECRET = os.environ.get("BINOME_PROCONNECT_CLIENT_SECRET", "").strip()
SOCIALACCOUNT_PROVIDERS = {"proconnect": {"APPS": []}}
if BINOME_PROCONNECT_ISSUER and BINOME_PROCONNECT_CLIENT_ID and BINOME_PROCONNECT_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["proconnect"]["APPS"] = [
        {
            "name": "ProConnect",
            "client_id": BINOME_PROCONNECT_CLIENT_ID,
            "secret": BINOME_PROCONNECT_CLIENT_SECRET,
            "settings": {"server_url": BINOME_PROCONNECT_ISSUER},  # discovery: <issuer>/.well-known/…
        }
    ]

# --- Sessions: 30 minutes idle, 12 hours absolute ------------------------------------------------
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "binome_session"
BINOME_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files and private uploads -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "binome" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Uploads (scanned consents, signed agreements) never sit under a public URL: they live in
# var/private and are served only by views that check who asks.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("BINOME_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
ensure_private_dir(PRIVATE_MEDIA_ROOT, "BINOME_PRIVATE_MEDIA_ROOT")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700  # the folders Django creates under PRIVATE_MEDIA_ROOT
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds before an SMTP exchange gives up (Django waits forever by default): a sender stuck on a dead
# server must let go well before the outbox's sweep hands its e-mails to another one.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Binôme <ne-pas-repondre@binome.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Branding (a département deploys Binôme under its own name and colours) ------------------
BINOME_BRAND_NAME = os.environ.get("BINOME_BRAND_NAME", "Binôme")
BINOME_BRAND_TAGLINE = os.environ.get("BINOME_BRAND_TAGLINE", "Le mentorat des jeunes de l'ASE")
BINOME_BRAND_COLOR = os.environ.get("BINOME_BRAND_COLOR", "#1f4e79")
BINOME_BRAND_LOGO = os.environ.get("BINOME_BRAND_LOGO", "img/logo.svg")  # path under static/
BINOME_SITE_URL = os.environ.get("BINOME_SITE_URL", "http://localhost:8000")

# --- Domain settings --------------------------------------------------------------------------
BINOME_INVITATION_DAYS = int(os.environ.get("BINOME_INVITATION_DAYS", "7"))
# Number of reverse proxies in front of gunicorn that set X-Forwarded-For (for per-visitor limits).
BINOME_TRUSTED_PROXIES = int(os.environ.get("BINOME_TRUSTED_PROXIES", "0"))
BINOME_ACCESS_LOG_RETENTION_MONTHS = int(os.environ.get("BINOME_ACCESS_LOG_RETENTION_MONTHS", "12"))
# The API's change feed goes back this far (binome/api/feed.py); an older cursor answers 410.
BINOME_API_EVENTS_RETENTION_DAYS = int(os.environ.get("BINOME_API_EVENTS_RETENTION_DAYS", "90"))
# An import with no heartbeat for this long has lost its worker: re-queued once, then failed (utils/jobs.py).
BINOME_STALE_JOB_MINUTES = int(os.environ.get("BINOME_STALE_JOB_MINUTES", "15"))
# An e-mail claimed this long ago and not sent has lost its sender: the sweep puts it back (notifications/outbox.py).
BINOME_OUTBOX_STALE_MINUTES = float(os.environ.get("BINOME_OUTBOX_STALE_MINUTES", "10"))
# Key of the pseudonyms in the département's exports (HMAC): the same youth keeps the same pseudonym
# from one export to the next. Empty: derived from SECRET_KEY (set it to survive a SECRET_KEY rotation).
BINOME_PSEUDONYM_KEY = os.environ.get("BINOME_PSEUDONYM_KEY", "")

# --- API for the associations' software (binome/api, docs/api.md) -----------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["binome.api.access.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["binome.api.access.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["binome.api.access.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("BINOME_API_RATE", "120/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["binome.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "binome.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "binome.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API de Binôme",
    "DESCRIPTION": "Pour le logiciel d'une association de mentorat : orientations reçues, binômes, "
    "déclarations (mêmes règles que l'import xlsx), suivis mensuels, indicateurs, changements. "
    "Jeton : Authorization: Bearer <jeton>, créé par le ou la responsable de l'association.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Logging: never personal data, ids only ----------------------------------------------------
# Paths are logged without their query string (searches hold names) and with the secret part of
# token links masked (binome/utils/logredact.py); gunicorn's access log does the same (config/gunicorn.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_paths": {"()": "binome.utils.logredact.RedactPathsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_paths"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact_paths"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}

FORM_RENDERER = "binome.utils.forms.FormRenderer"
MESSAGE_TAGS = {40: "error", 30: "warning", 25: "success", 20: "info", 10: "info"}
