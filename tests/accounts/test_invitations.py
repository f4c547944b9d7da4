import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import Invitation, Membership, Role, User


def invite(client, email="nouvelle@asso.example", role=Role.COORDINATOR):
    return client.post(reverse("accounts:member_invite"), {"email": email, "role": role})


def link_from_last_mail():
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", body).group(1)


@pytest.fixture
def manager_client(member, client_for):
    return client_for(member(Role.MANAGER, email="resp@asso.example"))


def test_invitation_mail_has_text_and_html_and_no_personal_data_in_subject(manager_client, world):
    response = invite(manager_client)
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["nouvelle@asso.example"]
    assert "nouvelle" not in message.subject and "Association A" not in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert "Association A" in message.body


def test_new_person_creates_account_from_link_and_joins_with_the_role(manager_client, world):
    invite(manager_client)
    link = link_from_last_mail()
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "nouvelle@asso.example" in page.content.decode()

    response = client.post(
        link,
        {
            "first_name": "Inès",
            "last_name": "Roux",
            "password1": "Une-phrase-de-passe-longue",
            "password2": "Une-phrase-de-passe-longue",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@asso.example")
    membership = Membership.objects.get(user=user)
    assert membership.organisation == world["association"] and membership.role == Role.COORDINATOR
    # logged in, and sent straight to the authenticator set-up
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # the link is spent
    assert Client().get(link).status_code == 410


def test_bad_signup_input_keeps_what_was_typed(manager_client):
    invite(manager_client)
    link = link_from_last_mail()
    response = Client().post(
        link, {"first_name": "Inès", "last_name": "Roux", "password1": "court", "password2": "court"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Inès"' in html and "trop court" in html
    assert not User.objects.filter(email="nouvelle@asso.example").exists()


def test_expired_invitation_explains_itself(manager_client):
    invite(manager_client)
    link = link_from_last_mail()
    with freeze_time(timezone.now() + datetime.timedelta(days=8)):
        response = Client().get(link)
    assert response.status_code == 410
    assert "expiré" in response.content.decode()


def test_new_invitation_replaces_the_previous_link(manager_client):
    invite(manager_client)
    first = link_from_last_mail()
    invite(manager_client)
    second = link_from_last_mail()
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert Invitation.objects.pending().count() == 1


def test_unknown_token_is_404(db):
    assert (
        Client().get(reverse("accounts:invitation_accept", kwargs={"token": "nimporte-quoi"})).status_code
        == 404
    )


def test_existing_user_accepts_while_logged_in(manager_client, world, member, client_for):
    other = member(Role.COORDINATOR, organisation=world["other_association"], email="multi@asso.example")
    invite(manager_client, email="multi@asso.example")
    link = link_from_last_mail()
    assert "Connectez-vous" in Client().get(link).content.decode()
    client = client_for(other)
    assert client.post(link).status_code == 302
    assert set(other.active_memberships().values_list("organisation__name", flat=True)) == {
        "Association A",
        "Association B",
    }


def test_someone_else_cannot_use_the_link(manager_client, member, client_for, world):
    invite(manager_client, email="cible@asso.example")
    link = link_from_last_mail()
    intruder = member(Role.COORDINATOR, organisation=world["other_association"])
    client_for(intruder).post(link)
    assert not Membership.objects.filter(user=intruder, organisation=world["association"]).exists()
    assert Invitation.objects.get(email="cible@asso.example").is_pending


def test_role_must_fit_the_organisation(manager_client):
    response = invite(manager_client, role=Role.PILOT)
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_malformed_email_gets_a_french_error(manager_client):
    response = invite(manager_client, email="pas-une-adresse")
    assert response.status_code == 422
    assert "Saisissez une adresse e-mail valide" in response.content.decode()


def test_inviting_a_current_member_is_refused(manager_client, member):
    colleague = member(Role.COORDINATOR)
    response = invite(manager_client, email=colleague.email)
    assert response.status_code == 422
    assert "fait déjà partie" in response.content.decode()


def test_revoking_an_invitation(manager_client):
    invite(manager_client)
    link = link_from_last_mail()
    invitation = Invitation.objects.get()
    manager_client.post(reverse("accounts:invitation_revoke", kwargs={"invitation_id": invitation.pk}))
    assert Client().get(link).status_code == 410


def test_cannot_revoke_another_organisations_invitation(manager_client, world, member, client_for):
    other_manager = client_for(member(Role.MANAGER, organisation=world["other_association"]))
    invite(other_manager)
    invitation = Invitation.objects.get()
    response = manager_client.post(
        reverse("accounts:invitation_revoke", kwargs={"invitation_id": invitation.pk})
    )
    assert response.status_code == 404
    assert Invitation.objects.get().is_pending


def test_pilot_invites_the_first_manager_of_a_partner_association(member, client_for, world):
    client = client_for(member(Role.PILOT))
    url = reverse("accounts:partner_invite", kwargs={"organisation_id": world["association"].pk})
    assert client.post(url, {"email": "chef@asso.example", "role": Role.MANAGER}).status_code == 302
    assert Invitation.objects.get().organisation == world["association"]
    # not an association of another département
    url = reverse("accounts:partner_invite", kwargs={"organisation_id": world["other_association"].pk})
    assert client.post(url, {"email": "x@asso.example", "role": Role.MANAGER}).status_code == 404


def test_cannot_deactivate_oneself(member, client_for):
    user = member(Role.MANAGER)
    membership = user.memberships.get()
    client = client_for(user)
    client.post(reverse("accounts:member_deactivate", kwargs={"membership_id": membership.pk}))
    membership.refresh_from_db()
    assert membership.is_active


def test_cannot_deactivate_a_member_of_another_organisation(member, client_for, world):
    victim = member(Role.MANAGER, organisation=world["other_association"]).memberships.get()
    client = client_for(member(Role.MANAGER))
    response = client.post(reverse("accounts:member_deactivate", kwargs={"membership_id": victim.pk}))
    assert response.status_code == 404


def test_a_pilot_cannot_invite_into_an_association_that_has_a_manager(world, member, client_for):
    member(Role.MANAGER)
    client = client_for(member(Role.PILOT))
    url = reverse("accounts:partner_invite", args=[world["association"].pk])
    response = client.post(url, {"email": "quelquun@exemple.example", "role": Role.MANAGER})
    assert response.status_code == 422
    assert "déjà un·e responsable" in response.content.decode()


def test_a_pilot_cannot_invite_a_departement_account_into_a_partner(world, member, client_for):
    pilot = member(Role.PILOT)
    url = reverse("accounts:partner_invite", args=[world["association"].pk])
    response = client_for(pilot).post(url, {"email": pilot.email, "role": Role.MANAGER})
    assert response.status_code == 422
