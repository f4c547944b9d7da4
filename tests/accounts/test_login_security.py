"""Login, MFA, lockout, password reset and sessions, tried as an attacker would."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from binome.accounts.models import Role
from binome.accounts.session_keys import SESSION_LOGIN_AT
from tests.accounts.factories import MembershipFactory, UserFactory

PASSWORD = "Un-mot-de-passe-solide-1"


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def pilot(world):
    user = UserFactory(with_totp=True, email="pilote@cd.example")
    MembershipFactory(user=user, organisation=world["departement"], role=Role.PILOT)
    return user


def test_password_alone_does_not_open_a_session_when_totp_is_set(pilot):
    client = Client()
    response = login(client, pilot.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # still anonymous

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(pilot.totp_secret_for_tests)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_totp_code_is_refused(pilot):
    client = Client()
    login(client, pilot.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert client.get(reverse("home")).status_code == 302


def test_account_without_totp_is_sent_to_activation_before_any_page(world):
    user = UserFactory(email="nouveau@cd.example")
    MembershipFactory(user=user, organisation=world["departement"], role=Role.PILOT)
    client = Client()
    login(client, user.email)
    for name in ("home", "accounts:members", "accounts:partner_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@override_settings(BINOME_REQUIRE_MFA=False, BINOME_DEMO=True)
def test_demo_setting_relaxes_mfa_and_says_so(world):
    user = UserFactory(email="demo@cd.example")
    MembershipFactory(user=user, organisation=world["departement"], role=Role.PILOT)
    client = Client()
    login(client, user.email)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Démonstration" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(pilot):
    client = Client()
    for _ in range(5):
        response = login(client, pilot.email, password="mauvais-mot-de-passe")
        assert response.status_code == 200
    response = login(client, pilot.email)
    assert response.status_code in (200, 429)
    assert response.status_code == 429 or "Trop" in response.content.decode()
    assert reverse("mfa_authenticate") not in response.get("Location", "")


def test_password_reset_does_not_reveal_whether_an_account_exists(pilot):
    client = Client()
    known = client.post(reverse("account_reset_password"), {"email": pilot.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnu@nulle-part.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[pilot.email]]


def test_short_passwords_are_refused(pilot):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Court-1a", user=pilot)
    validate_password("Une-phrase-assez-longue", user=pilot)


def test_passwords_are_hashed_with_argon2():
    from django.conf import settings

    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 12


def test_idle_session_expires_after_30_minutes():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_ends_after_12_hours_even_if_active(pilot, client_for):
    client = client_for(pilot)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert client.get(reverse("home")).status_code == 302


def test_deactivating_a_membership_ends_the_persons_sessions(world, pilot, client_for):
    colleague = UserFactory(with_totp=True)
    membership = MembershipFactory(user=colleague, organisation=world["departement"], role=Role.VIEWER)
    colleague_client = client_for(colleague)
    assert colleague_client.get(reverse("home")).status_code == 200

    response = client_for(pilot).post(
        reverse("accounts:member_deactivate", kwargs={"membership_id": membership.pk})
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    response = colleague_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")


def test_deactivated_account_is_logged_out(pilot, client_for):
    from binome.accounts.services import user_deactivate

    client = client_for(pilot)
    user_deactivate(user=pilot)
    assert client.get(reverse("home")).status_code == 302


def test_logout(pilot, client_for):
    client = client_for(pilot)
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


def test_signup_is_closed(db):
    response = Client().get(reverse("account_signup"))
    assert "fermées" in response.content.decode() or response.status_code in (403, 404)
