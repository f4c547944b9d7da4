import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from binome.accounts.models import Role
from tests.accounts.factories import ConventionFactory


def test_pages_of_logged_in_users_are_never_cached(member, client_for):
    response = client_for(member(Role.PILOT)).get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_csp_allows_no_inline_script_or_style(db):
    response = Client().get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_brand_colour_is_served_as_a_stylesheet(db, settings):
    settings.BINOME_BRAND_COLOR = "#aa0033"
    response = Client().get(reverse("theme_css"))
    assert response["Content-Type"].startswith("text/css") and "#aa0033" in response.content.decode()
    settings.BINOME_BRAND_COLOR = "red;} body{display:none"
    assert "display" not in Client().get(reverse("theme_css")).content.decode()


def test_health(db):
    assert Client().get(reverse("health")).json() == {"status": "ok"}


def test_navigation_follows_the_role(member, client_for):
    pilot_page = client_for(member(Role.PILOT)).get(reverse("home")).content.decode()
    referrer_page = client_for(member(Role.REFERRER)).get(reverse("home")).content.decode()
    assert "Partenaires" in pilot_page and "Journal d&#x27;accès" in pilot_page
    assert "Partenaires" not in referrer_page and "Journal" not in referrer_page


def test_pilot_home_lists_what_needs_attention(member, client_for, world):
    import datetime

    ConventionFactory(
        departement=world["departement"], end_date=datetime.date.today() + datetime.timedelta(days=20)
    )
    page = client_for(member(Role.PILOT)).get(reverse("home")).content.decode()
    assert "Convention bientôt échue" in page
    assert "Organisation sans utilisateur" in page  # the ASE service has nobody yet


def test_skip_link_and_landmarks(member, client_for, settings):
    settings.BINOME_DEMO = True
    html = client_for(member(Role.MANAGER)).get(reverse("home")).content.decode()
    assert 'href="#contenu"' in html and '<main id="contenu"' in html
    assert '<nav class="main-nav" id="site-menu" aria-label="Navigation principale">' in html
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert '<p class="demo-banner">' in header  # the demo banner sits in a landmark (axe « region »)
    assert '<html lang="fr">' in html


PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "k8$Zp2!vQw9#rT4@yL7&mN3^bX6*cV1%hJ5+gF0=dS8-aP2_eR4~uI7",
    "ALLOWED_HOSTS": "binome.departement.example",
    "DATABASE_URL": "postgres://binome@127.0.0.1:5432/binome",
}


def _manage(*args, env):
    ignored = {*PROD_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} est obligatoire" in result.stderr


def test_organisation_switcher_only_for_people_in_several_organisations(member, client_for, world):
    from tests.accounts.factories import MembershipFactory

    single = member(Role.MANAGER)
    assert 'name="membership"' not in client_for(single).get(reverse("accounts:members")).content.decode()
    multi = member(Role.COORDINATOR)
    MembershipFactory(user=multi, organisation=world["other_association"], role=Role.COORDINATOR)
    assert 'name="membership"' in client_for(multi).get(reverse("accounts:members")).content.decode()
