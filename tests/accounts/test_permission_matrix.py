"""Every URL against every role: the declared matrix is what the server does."""

from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from binome.accounts.management.commands.permissions_matrix import render_matrix
from binome.accounts.models import Role
from binome.accounts.perms import POLICIES, policy
from binome.accounts.urlwalk import undeclared, walk

OUR_ROUTES = [r for r in walk() if r.third_party is None]


def test_every_url_of_ours_declares_a_policy():
    missing = [f"{r.name} ({r.pattern})" for r in undeclared(walk())]
    assert missing == [], f"URL sans politique d'accès : {missing}"


def test_a_new_url_without_policy_is_caught():
    def forgotten_view(request):
        return HttpResponse("oops")

    @policy("org.view")
    def guarded_view(request):
        return HttpResponse("ok")

    class FakeConf:
        urlpatterns = [path("oubli/", forgotten_view, name="oubli"), path("ok/", guarded_view, name="ok")]

    from django.urls import get_resolver

    routes = walk(get_resolver(FakeConf))
    assert [r.name for r in undeclared(routes)] == ["oubli"]


def test_urls_carry_no_sequential_ids():
    for route in OUR_ROUTES:
        for name, converter in route.converters.items():
            assert converter.__class__.__name__ in {"UUIDConverter", "StringConverter"}, (route.name, name)


def test_permissions_doc_is_current():
    doc = Path(settings.BASE_DIR, "docs", "permissions.md").read_text(encoding="utf-8")
    assert doc == render_matrix(), "Lancez `python manage.py permissions_matrix --write`."


@pytest.mark.parametrize("route", OUR_ROUTES, ids=lambda r: r.name)
def test_anonymous(route, db):
    response = Client().get(reverse(route.name, kwargs=route.sample_kwargs()))
    if POLICIES[route.policy].anonymous:
        assert response.status_code != 302 or "/comptes/login/" not in response["Location"]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_matrix_declares(role, member, client_for):
    user = member(role)
    client = client_for(user)
    wrong = []
    for route in OUR_ROUTES:
        rule = POLICIES[route.policy]
        url = reverse(route.name, kwargs=route.sample_kwargs())
        status = client.get(url).status_code
        allowed = rule.allows(user, user.memberships.get())
        if (allowed and status == 403) or (not allowed and status != 403):
            wrong.append(f"{route.name}: {status} ({'autorisé' if allowed else 'interdit'})")
    assert wrong == []


def test_platform_admin_reaches_admin_and_access_log_but_not_organisation_pages(db, client_for):
    from tests.accounts.factories import UserFactory

    admin = UserFactory(with_totp=True, is_staff=True, is_superuser=True)
    client = client_for(admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("audit:access_log")).status_code == 200
    assert client.get(reverse("accounts:members")).status_code == 403


def test_admin_refuses_non_staff(member, client_for):
    response = client_for(member(Role.PILOT)).get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    anonymous = Client().get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_the_django_admin_asks_for_the_authenticator_app_first(db):
    from tests.accounts.factories import UserFactory

    # Logged in with a password only, as a staff account that has not set up its app yet.
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": admin.email, "password": "Un-mot-de-passe-solide-1"}
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
