"""The platform administrator reactivates an account it deactivated (/plateforme/)."""

from django.urls import reverse

from binome.accounts.models import Membership, Role
from tests.accounts.test_first_day import admin_client  # noqa: F401 (fixture)


def test_the_administrator_reactivates_a_deactivated_account(admin_client, world, member, client_for):  # noqa: F811
    pilot = member(Role.PILOT)
    page_url = reverse("accounts:platform_organisation", kwargs={"organisation_id": world["departement"].pk})
    back = {"organisation": str(world["departement"].pk)}
    admin_client.post(reverse("accounts:platform_account_deactivate", kwargs={"user_id": pilot.pk}), back)
    pilot.refresh_from_db()
    assert not pilot.is_active
    page = admin_client.get(page_url).content.decode()
    reactivate = reverse("accounts:platform_account_reactivate", kwargs={"user_id": pilot.pk})
    assert reactivate in page and "Réactiver le compte" in page

    response = admin_client.post(reactivate, back, follow=True)
    assert response.redirect_chain[-1][0] == page_url
    assert "Le compte est réactivé" in response.content.decode()
    pilot.refresh_from_db()
    assert pilot.is_active
    assert client_for(pilot).get(reverse("home")).status_code == 200
    assert Membership.objects.get(user=pilot).is_active

    again = admin_client.post(reactivate, back, follow=True)
    assert "Ce compte est déjà actif." in again.content.decode()


def test_reactivation_keeps_a_membership_the_organisation_withdrew(admin_client, world, member):  # noqa: F811
    viewer = member(Role.VIEWER)
    Membership.objects.filter(user=viewer).update(is_active=False)
    viewer.is_active = False
    viewer.save()
    admin_client.post(reverse("accounts:platform_account_reactivate", kwargs={"user_id": viewer.pk}), {})
    viewer.refresh_from_db()
    assert viewer.is_active and not Membership.objects.get(user=viewer).is_active


def test_only_the_administrator_reactivates(world, member, client_for):
    pilot = member(Role.PILOT)
    gone = member(Role.VIEWER)
    gone.is_active = False
    gone.save()
    url = reverse("accounts:platform_account_reactivate", kwargs={"user_id": gone.pk})
    assert client_for(pilot).post(url).status_code == 403
    assert client_for(pilot).get(url).status_code in (403, 405)
    gone.refresh_from_db()
    assert not gone.is_active
