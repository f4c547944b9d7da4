"""Settings that protect a deployment (issue 12, items 8 and 9), each tried in a fresh process."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "k8$Zp2!vQw9#rT4@yL7&mN3^bX6*cV1%hJ5+gF0=dS8-aP2_eR4~uI7",
    "ALLOWED_HOSTS": "binome.departement.example",
    "DATABASE_URL": "postgres://binome@127.0.0.1:5432/binome",
}
SCRUBBED = {
    *PROD_ENV,
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "BINOME_VAR_DIR",
    "BINOME_PRIVATE_MEDIA_ROOT",
    "BINOME_DEMO",
    "BINOME_REQUIRE_MFA",
    "DEBUG",
    "REDIS_URL",
}


def _python(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, "PYTHONPATH": str(settings.BASE_DIR), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("env", [{"DJANGO_SETTINGS_MODULE": "config.settings.dev"}, PROD_ENV])
def test_a_bare_checkout_creates_its_data_folder(tmp_path, env):
    """No var/ yet and no REDIS_URL: huey's SQLite queue needs the folder before any command runs."""
    var = tmp_path / "checkout" / "var"
    result = _python("manage.py", "check", env={**env, "BINOME_VAR_DIR": str(var)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (var / "huey.sqlite3").is_file()
    assert _mode(var) == 0o700 and _mode(var / "private") == 0o700


def test_a_data_folder_that_cannot_be_created_is_explained_in_french(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _python(
        "manage.py",
        "check",
        env={"DJANGO_SETTINGS_MODULE": "config.settings.dev", "BINOME_VAR_DIR": str(blocker / "var")},
    )
    assert result.returncode != 0
    assert f"Le dossier de données {blocker / 'var'} n'existe pas et ne peut pas être créé" in result.stderr
    assert "BINOME_VAR_DIR" in result.stderr and "OperationalError" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"), [("BINOME_DEMO", "1"), ("BINOME_REQUIRE_MFA", "0"), ("BINOME_REQUIRE_MFA", "non")]
)
def test_production_refuses_demo_mode_and_mfa_off(tmp_path, variable, value):
    env = {**PROD_ENV, "BINOME_VAR_DIR": str(tmp_path / "var"), variable: value}
    result = _python("manage.py", "check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    expected = {"BINOME_DEMO": "BINOME_DEMO=1", "BINOME_REQUIRE_MFA": "BINOME_REQUIRE_MFA=0"}[variable]
    assert f"{expected} est refusé en production" in result.stderr


def test_production_keeps_mfa_on_when_nothing_says_otherwise(tmp_path):
    script = "import django; django.setup(); from django.conf import settings as s; print(s.BINOME_DEMO, s.BINOME_REQUIRE_MFA, s.DEBUG)"
    result = _python("-c", script, env={**PROD_ENV, "BINOME_VAR_DIR": str(tmp_path / "var")})
    assert result.stdout.split() == ["False", "True", "False"], result.stderr[-2000:]


DEMO_PAGES = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
client = Client(HTTP_HOST="localhost", raise_request_exception=False)
pages = {}
with override_settings(ROOT_URLCONF="tests.ops.error_urls"):
    for url in ("/nexiste-pas/", "/ops-test/erreur/", "/ops-test/interdit/"):
        response = client.get(url)
        pages[url] = [response.status_code, response.content.decode()]
print(json.dumps({"debug": settings.DEBUG, "pages": pages}))
"""


def test_the_demo_serves_the_french_error_pages(tmp_path):
    """./run is the demo (dev settings, BINOME_DEMO=1): no debug page listing every URL."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "BINOME_DEMO": "1",
        "BINOME_VAR_DIR": str(tmp_path),
    }
    result = _python("-c", DEMO_PAGES, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    pages = seen["pages"]
    assert pages["/nexiste-pas/"][0] == 404 and "Page introuvable" in pages["/nexiste-pas/"][1]
    assert pages["/ops-test/erreur/"][0] == 500 and "Une erreur est survenue" in pages["/ops-test/erreur/"][1]
    assert pages["/ops-test/interdit/"][0] == 403 and "Accès refusé" in pages["/ops-test/interdit/"][1]
    for _status, html in pages.values():
        assert "URLconf" not in html and "Traceback" not in html and "admin-plateforme" not in html


def test_development_without_the_demo_keeps_the_debug_pages(tmp_path):
    script = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "BINOME_VAR_DIR": str(tmp_path)}
    assert _python("-c", script, env=env).stdout.strip() == "True"


def test_run_listens_on_this_machine_only_unless_host_is_set():
    script = (settings.BASE_DIR / "run").read_text()
    assert 'HOST="${HOST:-127.0.0.1}"' in script
    assert 'runserver "$HOST:$PORT"' in script


def test_upload_folders_are_private(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    name = storages["default"].save("consents/2025/scan.pdf", ContentFile(b"%PDF-1.4"))
    assert _mode(tmp_path / "private" / "consents") == 0o700
    assert _mode(tmp_path / "private" / "consents" / "2025") == 0o700
    assert _mode(tmp_path / "private" / name) == 0o600
