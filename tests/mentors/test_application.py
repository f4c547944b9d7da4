"""The public application form: a candidate applies without an account; spam and bad input are refused in French."""

import html
import time
import uuid

import pytest
from django.core import signing
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.mentors.forms import FORM_TOKEN_SALT
from binome.mentors.models import Mentor, MentorEvent, MentorStage
from tests.accounts.factories import AssociationFactory
from tests.mentors.factories import MentorFactory
from tests.youths.factories import CommuneFactory

ALREADY_RECEIVED = "Nous avons déjà reçu votre candidature : l'association vous recontacte très vite."


@pytest.fixture
def nantes(world):
    return CommuneFactory(insee_code="44109", name="Nantes", postal_codes=["44000"])


def token(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt=FORM_TOKEN_SALT)


def application(commune, **overrides):
    data = {
        "first_name": "Claire",
        "last_name": "Lambert",
        "email": "claire.lambert@exemple.example",
        "phone": "06 12 34 56 78",
        "birth_date": "1990-04-02",
        "gender": "f",
        "commune": commune.pk,
        "occupation": "employed",
        "occupation_detail": "Comptable",
        "motivation": "J'ai été accompagnée moi-même et je veux transmettre.",
        "availability": ["mer_apm", "sam_matin"],
        "modality": "in_person",
        "travel_km": "15",
        "objectives": ["school_support"],
        "subjects": ["maths"],
        "interests": "Randonnée",
        "languages": "Français, anglais",
        "capacity": "1",
        "heard_from": "web",
        "website": "",
        "started": token(),
        "privacy": "on",
    }
    data.update(overrides)
    return data


def apply_url(association):
    return reverse("mentors:apply", args=[association.pk])


def post(client, association, data, **extra):
    return client.post(apply_url(association), data, **extra)


def page_text(response):
    return html.unescape(response.content.decode())


def form_errors(response):
    """Every error the form holds, whether or not the page shows it (see the non-field errors below)."""
    return [message for messages in response.context["form"].errors.values() for message in messages]


# --- A valid application --------------------------------------------------------------------------------


def test_the_form_is_public(world, client):
    response = client.get(apply_url(world["association"]))
    assert response.status_code == 200
    assert "Devenir mentor avec Association A" in response.content.decode()


def test_a_valid_application_creates_a_candidate(world, client, nantes):
    response = post(client, world["association"], application(nantes))
    assert response.status_code == 302
    assert response.url == reverse("mentors:apply_thanks", args=[world["association"].pk])
    mentor = Mentor.objects.get(email="claire.lambert@exemple.example")
    assert mentor.association == world["association"]
    assert mentor.stage == MentorStage.CANDIDATE
    assert mentor.commune == nantes
    assert mentor.availability == ["mer_apm", "sam_matin"]
    assert mentor.privacy_accepted_at is not None
    [event] = mentor.events.all()
    assert (
        event.stage == MentorStage.CANDIDATE
        and event.detail == "Candidature en ligne"
        and event.actor is None
    )


def test_the_thanks_page_follows_the_application(world, client, nantes):
    response = post(client, world["association"], application(nantes), follow=True)
    assert "Merci, votre candidature est envoyée" in response.content.decode()


def test_the_candidate_gets_an_acknowledgement_without_a_name_in_the_subject(
    world, client, nantes, mailoutbox
):
    post(client, world["association"], application(nantes))
    [ack] = [m for m in mailoutbox if m.to == ["claire.lambert@exemple.example"]]
    assert "Votre candidature pour devenir mentor est bien reçue" in ack.subject
    assert "Claire" not in ack.subject and "Lambert" not in ack.subject
    assert "Bonjour Claire," in ack.body
    assert "Association A l'a bien reçue" in ack.body


def test_the_association_staff_is_told_without_a_name_in_the_subject(
    world, client, member, nantes, mailoutbox
):
    manager = member(Role.MANAGER)
    coordinator = member(Role.COORDINATOR)
    member(Role.MANAGER, organisation=world["other_association"])
    member(Role.PILOT)
    post(client, world["association"], application(nantes))
    mentor = Mentor.objects.get()
    [notice] = [m for m in mailoutbox if m.to != ["claire.lambert@exemple.example"]]
    assert sorted(notice.to) == sorted([manager.email, coordinator.email])
    assert "Nouvelle candidature de mentor" in notice.subject
    assert "Claire" not in notice.subject and "Lambert" not in notice.subject
    assert "Claire" not in notice.body and "Lambert" not in notice.body
    assert reverse("mentors:detail", args=[mentor.pk]) in notice.body


# --- Anti-spam ----------------------------------------------------------------------------------------


def test_a_form_sent_too_fast_is_refused(world, client, nantes):
    with freeze_time("2026-03-02 10:00:00") as clock:
        form_page = client.get(apply_url(world["association"]))
        started = form_page.context["form"]["started"].value()
        clock.tick(1)
        response = post(client, world["association"], application(nantes, started=started))
    assert response.status_code == 422
    assert "Formulaire envoyé trop vite : vérifiez vos réponses puis validez de nouveau." in form_errors(
        response
    )
    assert not Mentor.objects.exists()


def test_the_same_form_sent_after_a_few_seconds_is_accepted(world, client, nantes):
    with freeze_time("2026-03-02 10:00:00") as clock:
        form_page = client.get(apply_url(world["association"]))
        started = form_page.context["form"]["started"].value()
        clock.tick(30)
        response = post(client, world["association"], application(nantes, started=started))
    assert response.status_code == 302
    assert Mentor.objects.count() == 1


def test_a_forged_token_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, started="1700000000"))
    assert response.status_code == 422
    assert "Le formulaire a expiré : rechargez la page." in form_errors(response)
    assert not Mentor.objects.exists()


def test_a_token_older_than_a_day_is_refused(world, client, nantes):
    with freeze_time("2026-03-02 10:00:00"):
        started = token(seconds_ago=0)
    with freeze_time("2026-03-03 10:00:01"):
        response = post(client, world["association"], application(nantes, started=started))
    assert response.status_code == 422
    assert "Le formulaire a expiré : rechargez la page." in form_errors(response)


def test_a_form_without_its_token_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, started=""))
    assert response.status_code == 422
    assert form_errors(response) == ["Ce champ est obligatoire."]
    assert not Mentor.objects.exists()


def test_the_honeypot_must_stay_empty(world, client, nantes, mailoutbox):
    response = post(client, world["association"], application(nantes, website="http://spam.example"))
    assert response.status_code == 422
    assert "Ce champ doit rester vide." in form_errors(response)
    assert not Mentor.objects.exists()
    assert mailoutbox == []


def test_more_than_ten_applications_an_hour_from_one_address_are_refused(world, client, nantes):
    for n in range(10):
        response = post(client, world["association"], application(nantes, email=f"c{n}@exemple.example"))
        assert response.status_code == 302
    response = post(client, world["association"], application(nantes, email="c10@exemple.example"))
    assert response.status_code == 422
    assert "Trop de candidatures envoyées depuis cette connexion. Réessayez dans une heure." in form_errors(
        response
    )
    assert Mentor.objects.count() == 10
    assert not Mentor.objects.filter(email="c10@exemple.example").exists()


def test_the_limit_is_per_address(world, client, nantes):
    for n in range(10):
        post(client, world["association"], application(nantes, email=f"c{n}@exemple.example"))
    response = post(
        client, world["association"], application(nantes, email="c10@exemple.example"), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    assert Mentor.objects.filter(email="c10@exemple.example").exists()


# --- Bad input: a French message, a 422, what was typed is kept ----------------------------------------


def test_a_malformed_email_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, email="claire.lambert@"))
    assert response.status_code == 422
    page = page_text(response)
    assert "Saisissez une adresse e-mail valide." in page
    assert "Le formulaire contient 1 erreur." in page
    assert not Mentor.objects.exists()


def test_a_motivation_over_3000_characters_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, motivation="x" * 3001))
    assert response.status_code == 422
    assert "Assurez-vous que cette valeur comporte au plus 3000 caractères (actuellement 3001)." in page_text(
        response
    )
    assert not Mentor.objects.exists()


def test_a_motivation_of_3000_characters_is_accepted(world, client, nantes):
    response = post(client, world["association"], application(nantes, motivation="x" * 3000))
    assert response.status_code == 302
    assert len(Mentor.objects.get().motivation) == 3000


def test_what_was_typed_is_kept_on_error(world, client, nantes):
    response = post(
        client,
        world["association"],
        application(nantes, email="pas-une-adresse", first_name="Anne-Sophie", motivation="Je veux aider."),
    )
    assert response.status_code == 422
    page = page_text(response)
    assert 'value="Anne-Sophie"' in page
    assert 'value="pas-une-adresse"' in page
    assert "Je veux aider.</textarea>" in page
    assert '<option value="44109" selected>' in page
    assert 'value="mer_apm" id="id_availability_7" checked>' in page
    assert 'name="privacy" required id="id_privacy" checked>' in page


def test_a_script_in_the_name_is_stored_as_text_and_shown_escaped(world, client, member, client_for, nantes):
    name = "<script>alert('x')</script>"
    response = post(client, world["association"], application(nantes, first_name=name))
    assert response.status_code == 302
    mentor = Mentor.objects.get()
    assert mentor.first_name == name
    page = client_for(member(Role.COORDINATOR)).get(reverse("mentors:detail", args=[mentor.pk]))
    content = page.content.decode()
    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


def test_a_script_in_the_name_is_escaped_when_the_form_comes_back(world, client, nantes):
    response = post(
        client, world["association"], application(nantes, first_name="<script>alert(1)</script>", email="x")
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_commune_of_another_departement_is_refused(world, client, nantes):
    la_roche = CommuneFactory(insee_code="85191", name="La Roche-sur-Yon")
    response = post(client, world["association"], application(la_roche))
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in page_text(response)


def test_a_candidate_under_16_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, birth_date="2015-01-01"))
    assert response.status_code == 422
    assert "Un mentor a au moins 16 ans." in page_text(response)


def test_a_birth_date_in_the_future_is_refused(world, client, nantes):
    response = post(client, world["association"], application(nantes, birth_date="2999-01-01"))
    assert response.status_code == 422
    assert "La date de naissance ne peut pas être dans le futur." in page_text(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "02/04/19900", "Saisissez une date valide."),
        ("capacity", "4", "Entre 1 et 3 jeunes à la fois."),
        ("capacity", "beaucoup", "Saisissez un nombre entier."),
        ("travel_km", "99999999999999999999", "100 km au plus."),
        ("availability", ["lundi_nuit"], "Sélectionnez un choix valide."),
        ("first_name", "Cl\x00aire", "Le caractère nul n’est pas autorisé."),
        ("privacy", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_message_never_a_500(world, client, nantes, field, value, message):
    response = post(client, world["association"], application(nantes, **{field: value}))
    assert response.status_code == 422
    assert message in page_text(response)
    assert not Mentor.objects.exists()


# --- Duplicates --------------------------------------------------------------------------------------


def test_a_duplicate_application_is_refused_kindly(world, client, nantes, mailoutbox):
    post(client, world["association"], application(nantes))
    mailoutbox.clear()
    response = post(client, world["association"], application(nantes, email="Claire.Lambert@Exemple.example"))
    assert response.status_code == 422
    assert ALREADY_RECEIVED in form_errors(response)
    assert Mentor.objects.count() == 1
    assert mailoutbox == []


def test_a_candidate_further_in_the_pipeline_cannot_apply_again(world, client, nantes):
    MentorFactory(association=world["association"], email="claire.lambert@exemple.example", training=True)
    response = post(client, world["association"], application(nantes))
    assert response.status_code == 422
    assert ALREADY_RECEIVED in form_errors(response)


@pytest.mark.parametrize("stage", [MentorStage.LEFT, MentorStage.NOT_RETAINED])
def test_a_former_candidate_may_apply_again(world, client, nantes, stage):
    MentorFactory(association=world["association"], email="claire.lambert@exemple.example", stage=stage)
    response = post(client, world["association"], application(nantes))
    assert response.status_code == 302
    assert Mentor.objects.filter(stage=MentorStage.CANDIDATE).count() == 1


def test_the_same_person_may_apply_to_another_association(world, client, nantes):
    MentorFactory(association=world["other_association"], email="claire.lambert@exemple.example")
    response = post(client, world["association"], application(nantes))
    assert response.status_code == 302
    assert Mentor.objects.filter(association=world["association"]).count() == 1


def test_a_duplicate_leaves_no_event(world, client, nantes):
    post(client, world["association"], application(nantes))
    post(client, world["association"], application(nantes))
    assert MentorEvent.objects.count() == 1


# --- Which association ---------------------------------------------------------------------------------


def test_an_unknown_association_is_404(db, client):
    assert client.get(reverse("mentors:apply", args=[uuid.uuid4()])).status_code == 404


def test_a_departement_is_not_an_association(world, client):
    assert client.get(reverse("mentors:apply", args=[world["departement"].pk])).status_code == 404


def test_an_inactive_association_is_404(world, client, nantes):
    closed = AssociationFactory(is_active=False)
    assert client.get(apply_url(closed)).status_code == 404
    assert post(client, closed, application(nantes)).status_code == 404
    assert not Mentor.objects.exists()


def test_the_application_limit_is_per_visitor_behind_the_proxy(world, client, settings):
    settings.BINOME_TRUSTED_PROXIES = 1
    nantes = CommuneFactory(insee_code="44109", name="Nantes", departement_code="44")
    for n in range(11):
        post(
            client,
            world["association"],
            application(nantes, email=f"a{n}@exemple.example"),
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    response = post(
        client,
        world["association"],
        application(nantes, email="autre@exemple.example"),
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert response.status_code == 302
