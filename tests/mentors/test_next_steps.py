"""Between the steps of the mentor pathway (issue 14): enrol from the mentor's page, sessions in date order,
the honorability check entered without hunting for the mentor again."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.mentors.models import CheckResult, HonorabilityCheck
from tests.mentors.factories import MentorFactory, TrainingModuleFactory, TrainingSessionFactory


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def coordinator(member):
    return member(Role.COORDINATOR)


@pytest.fixture
def pilot(member):
    return member(Role.PILOT)


def test_a_mentor_without_training_is_enrolled_from_their_page(world, coordinator, client_for):
    module = TrainingModuleFactory(association=world["association"], name="Posture du mentor")
    soon = TrainingSessionFactory(
        association=world["association"],
        title="Session de janvier",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        modules=[module],
    )
    TrainingSessionFactory(association=world["association"], title="Session passée", modules=[module])
    TrainingSessionFactory(
        association=world["association"],
        title="Session complète",
        capacity=0,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        modules=[module],
    )
    mentor = MentorFactory(association=world["association"])
    client = client_for(coordinator)
    page = text(client.get(reverse("mentors:detail", args=[mentor.pk])))
    assert "Formation requise à terminer." in page and "Inscrire à une session" in page
    assert "Session de janvier" in page
    assert "Session passée" not in page and "Session complète" not in page  # only upcoming with room
    response = client.post(reverse("mentors:enrol", args=[mentor.pk]), {"session": soon.pk})
    assert response.url == reverse("mentors:detail", args=[mentor.pk])
    assert mentor.trainings.get().session == soon
    assert "est inscrit·e à la session « Session de janvier »" in text(client.get(response.url))


def test_enrolling_in_another_associations_session_is_refused(world, coordinator, client_for):
    other = TrainingSessionFactory(
        association=world["other_association"], starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    mentor = MentorFactory(association=world["association"])
    response = client_for(coordinator).post(reverse("mentors:enrol", args=[mentor.pk]), {"session": other.pk})
    assert response.status_code == 302 and not mentor.trainings.exists()
    garbage = client_for(coordinator).post(reverse("mentors:enrol", args=[mentor.pk]), {"session": "x"})
    assert garbage.status_code == 302


def test_sessions_list_upcoming_first_then_past_by_date(world, coordinator, client_for):
    now = timezone.now()
    for title, days in (("P-ancienne", -60), ("A-lointaine", 40), ("P-recente", -3), ("A-proche", 2)):
        TrainingSessionFactory(
            association=world["association"], title=title, starts_at=now + datetime.timedelta(days=days)
        )
    page = text(client_for(coordinator).get(reverse("mentors:training_list")))
    order = [
        page.index(t) for t in ("À venir", "A-proche", "A-lointaine", "Passées", "P-recente", "P-ancienne")
    ]
    assert order == sorted(order)


@freeze_time("2026-03-02 10:00")
def test_after_requesting_a_check_the_pilot_stays_on_the_mentor_then_goes_to_the_next(
    world, pilot, client_for
):
    first = MentorFactory(association=world["association"], vetting=True, trained=True, last_name="Aubert")
    second = MentorFactory(association=world["association"], vetting=True, trained=True, last_name="Bernard")
    client = client_for(pilot)
    url = reverse("mentors:check_record", args=[first.pk])
    response = client.post(url, {"requested_on": "2026-02-20"})
    assert response.url == url  # stays on the mentor: the result is entered here
    page = text(client.get(url))
    assert "Résultat du contrôle demandé le 20/02/2026" in page
    assert f"Contrôle suivant : {second.first_name} {second.last_name}" in page
    response = client.post(url, {"result": "compliant", "result_on": "2026-03-01"})
    assert response.url == reverse("mentors:check_record", args=[second.pk])
    assert HonorabilityCheck.objects.get(mentor=first).result == CheckResult.COMPLIANT
