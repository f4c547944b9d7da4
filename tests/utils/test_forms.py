"""Dates typed by hand stay plausible: the training session starting in year 1 was a 500 (OverflowError)."""

import html

from django.urls import reverse

from binome.accounts.models import Role
from binome.mentors.models import TrainingSession
from tests.mentors.factories import TrainingModuleFactory


def test_a_training_session_in_year_1_or_9999_is_refused_in_french(world, member, client_for):
    module = TrainingModuleFactory(association=world["association"])
    client = client_for(member(Role.COORDINATOR))
    for starts_at in ("0001-01-01T00:00", "9999-12-31T23:59"):
        data = {
            "title": "Formation initiale",
            "starts_at": starts_at,
            "duration_minutes": "120",
            "place": "Nantes",
            "capacity": "12",
            "modules": [module.pk],
        }
        response = client.post(reverse("mentors:training_session_create"), data)
        assert response.status_code == 422
        assert "Indiquez une date entre 1900 et 2100." in html.unescape(response.content.decode())
    assert not TrainingSession.objects.exists()
    data["starts_at"] = "2026-03-02T09:30"
    assert client.post(reverse("mentors:training_session_create"), data).status_code == 302
