"""Bugs found by review, each pinned by a test."""

import datetime
import html

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentors.models import MentorSettings
from binome.mentors.reminders import send_mentor_reminders
from tests.mentors.factories import MentorFactory
from tests.mentors.test_application import application, post
from tests.youths.factories import CommuneFactory


def test_a_duplicate_application_says_so_on_the_page(world, client):
    nantes = CommuneFactory(insee_code="44109", name="Nantes", departement_code="44")
    post(client, world["association"], application(nantes, email="dup@exemple.example"))
    response = post(client, world["association"], application(nantes, email="dup@exemple.example"))
    assert response.status_code == 422
    assert "Nous avons déjà reçu votre candidature" in html.unescape(response.content.decode())


def test_plain_text_emails_are_not_html_escaped(world, member):
    member(Role.MANAGER)
    MentorFactory(
        association=world["association"],
        ready=True,
        honorability_valid_until=timezone.localdate() + datetime.timedelta(days=50),
    )
    send_mentor_reminders()
    assert "d'honorabilité" in mail.outbox[-1].body
    assert "&#x27;" not in mail.outbox[-1].body


def test_stale_candidates_are_reminded_without_a_settings_row(world, member):
    member(Role.MANAGER)
    assert not MentorSettings.objects.exists()
    MentorFactory(association=world["association"], stale=True)
    assert send_mentor_reminders() == 1


def test_a_wrong_upload_for_check_results_answers_422(member, client_for):
    client = client_for(member(Role.PILOT))
    upload = SimpleUploadedFile("notes.txt", b"\x00\x01binary\xff")
    response = client.post(reverse("mentors:check_import"), {"file": upload})
    assert response.status_code == 422
    assert "Ce fichier n'est pas un tableau lisible." in html.unescape(response.content.decode())
