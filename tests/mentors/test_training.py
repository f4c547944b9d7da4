"""Training: the association's required modules, sessions, registrations and attendance."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentors import services
from binome.mentors.models import Mentor, TrainingModule, TrainingRegistration
from tests.mentors.factories import (
    MentorFactory,
    TrainingModuleFactory,
    TrainingRegistrationFactory,
    TrainingSessionFactory,
)


@pytest.fixture
def coordinator(member):
    return member(Role.COORDINATOR)


@pytest.fixture
def posture(world):
    return TrainingModuleFactory(association=world["association"], name="Posture du mentor")


@pytest.fixture
def protection(world):
    return TrainingModuleFactory(association=world["association"], name="Protection de l'enfance")


def session_of(world, modules, **kwargs):
    return TrainingSessionFactory(association=world["association"], modules=modules, **kwargs)


def registered(session, **mentor_kwargs):
    mentor = MentorFactory(association=session.association, training=True, **mentor_kwargs)
    TrainingRegistrationFactory(session=session, mentor=mentor)
    return mentor


def session_url(session):
    return reverse("mentors:training_session", args=[session.pk])


def messages_after(response, client):
    return html.unescape(client.get(response.url).content.decode())


# --- Completeness ----------------------------------------------------------------------------------------


def test_attending_every_required_module_completes_the_training(world, coordinator, posture, protection):
    first = session_of(world, [posture])
    second = session_of(world, [protection])
    mentor = registered(first)
    TrainingRegistrationFactory(session=second, mentor=mentor)
    services.training_attendance(session=first, attended_ids={str(mentor.pk)}, by=coordinator)
    mentor.refresh_from_db()
    assert not mentor.training_complete
    services.training_attendance(session=second, attended_ids={str(mentor.pk)}, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.training_complete
    assert mentor.events.filter(detail="Formation requise terminée").count() == 1


def test_an_absent_mentor_has_not_completed_the_training(world, coordinator, posture):
    session = session_of(world, [posture])
    present, absent = registered(session), registered(session)
    services.training_attendance(session=session, attended_ids={str(present.pk)}, by=coordinator)
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.training_complete and not absent.training_complete
    assert TrainingRegistration.objects.get(mentor=absent).attended is False


def test_an_optional_module_is_not_required(world, coordinator, posture):
    TrainingModuleFactory(association=world["association"], name="Atelier théâtre", optional=True)
    session = session_of(world, [posture])
    mentor = registered(session)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.training_complete


def test_another_associations_module_is_not_required(world, coordinator, posture):
    TrainingModuleFactory(association=world["other_association"], name="Leur module")
    session = session_of(world, [posture])
    mentor = registered(session)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.training_complete


def test_unticking_a_presence_makes_the_training_incomplete_again(world, coordinator, posture):
    session = session_of(world, [posture])
    mentor = registered(session)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    services.training_attendance(session=session, attended_ids=set(), by=coordinator)
    mentor.refresh_from_db()
    assert not mentor.training_complete


def test_attendance_through_the_page(world, coordinator, client_for, posture):
    session = session_of(world, [posture])
    mentor = registered(session, first_name="Claire", last_name="Lambert")
    client = client_for(coordinator)
    response = client.post(session_url(session), {"attendance": "1", "attended": [str(mentor.pk)]})
    assert response.status_code == 302
    assert "Les présences sont enregistrées." in messages_after(response, client)
    mentor.refresh_from_db()
    assert mentor.training_complete
    page = client.get(reverse("mentors:detail", args=[mentor.pk])).content.decode()
    assert "Formation requise terminée" in page


def test_a_new_required_module_makes_training_incomplete_again(world, coordinator, client_for, posture):
    session = session_of(world, [posture])
    mentor = registered(session)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    client = client_for(coordinator)
    response = client.post(
        reverse("mentors:training_module_create"),
        {"name": "Protection de l'enfance", "required_before_matching": "on"},
    )
    assert response.status_code == 302
    assert "Le module est enregistré ; la formation de chaque mentor est recalculée." in messages_after(
        response, client
    )
    mentor.refresh_from_db()
    assert not mentor.training_complete


def test_a_new_required_module_removes_a_ready_mentor_from_the_matchable_ones(
    world, coordinator, client_for, posture
):
    session = session_of(world, [posture])
    mentor = registered(session, ready=True)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    assert list(Mentor.objects.matchable()) == [mentor]
    client_for(coordinator).post(
        reverse("mentors:training_module_create"),
        {"name": "Protection de l'enfance", "required_before_matching": "on"},
    )
    assert list(Mentor.objects.matchable()) == []


def test_a_new_optional_module_keeps_training_complete(world, coordinator, client_for, posture):
    session = session_of(world, [posture])
    mentor = registered(session)
    services.training_attendance(session=session, attended_ids={str(mentor.pk)}, by=coordinator)
    client_for(coordinator).post(reverse("mentors:training_module_create"), {"name": "Atelier théâtre"})
    mentor.refresh_from_db()
    assert mentor.training_complete


def test_a_module_name_is_unique_in_the_association(world, coordinator, client_for, posture):
    response = client_for(coordinator).post(
        reverse("mentors:training_module_create"),
        {"name": "posture du MENTOR", "required_before_matching": "on"},
    )
    assert response.status_code == 422
    assert "Un module porte déjà ce nom." in response.content.decode()
    assert TrainingModule.objects.filter(association=world["association"]).count() == 1


# --- Registration ----------------------------------------------------------------------------------------


def test_the_coordinator_registers_a_mentor(world, coordinator, client_for, posture):
    session = session_of(world, [posture])
    mentor = MentorFactory(
        association=world["association"], training=True, first_name="Inès", last_name="Roy"
    )
    client = client_for(coordinator)
    response = client.post(session_url(session), {"register": "1", "mentor": str(mentor.pk)})
    assert response.status_code == 302
    assert "Inès Roy est inscrit·e." in messages_after(response, client)
    registration = TrainingRegistration.objects.get(session=session)
    assert registration.mentor == mentor and registration.attended is None
    assert mentor.events.get().actor == coordinator


def test_a_full_session_refuses_registration(world, coordinator, client_for, posture):
    session = session_of(world, [posture], capacity=1)
    registered(session)
    late = MentorFactory(association=world["association"], training=True)
    client = client_for(coordinator)
    response = client.post(session_url(session), {"register": "1", "mentor": str(late.pk)})
    assert response.status_code == 302
    assert "La session est complète." in messages_after(response, client)
    assert not TrainingRegistration.objects.filter(mentor=late).exists()


def test_a_mentor_cannot_be_registered_twice(world, coordinator, posture):
    session = session_of(world, [posture])
    mentor = registered(session)
    with pytest.raises(ValidationError) as error:
        services.training_register(session=session, mentor=mentor, by=coordinator)
    assert error.value.messages == ["Ce mentor est déjà inscrit à cette session."]


def test_a_mentor_of_another_association_cannot_be_registered_through_the_page(
    world, coordinator, client_for, posture
):
    session = session_of(world, [posture])
    outsider = MentorFactory(association=world["other_association"], training=True)
    response = client_for(coordinator).post(
        session_url(session), {"register": "1", "mentor": str(outsider.pk)}
    )
    assert response.status_code == 404
    assert not TrainingRegistration.objects.exists()


def test_the_service_refuses_a_mentor_of_another_association(world, coordinator, posture):
    session = session_of(world, [posture])
    outsider = MentorFactory(association=world["other_association"], training=True)
    with pytest.raises(ValidationError) as error:
        services.training_register(session=session, mentor=outsider, by=coordinator)
    assert error.value.messages == ["Cette session appartient à une autre association."]
    assert not TrainingRegistration.objects.exists()


def test_another_associations_session_is_404(world, member, client_for, posture):
    session = session_of(world, [posture])
    outsider = member(Role.MANAGER, organisation=world["other_association"])
    assert client_for(outsider).get(session_url(session)).status_code == 404


def test_attendance_ignores_a_mentor_who_is_not_registered(world, coordinator, posture):
    session = session_of(world, [posture])
    stranger = MentorFactory(association=world["association"], training=True)
    services.training_attendance(session=session, attended_ids={str(stranger.pk)}, by=coordinator)
    stranger.refresh_from_db()
    assert not stranger.training_complete
    assert not TrainingRegistration.objects.exists()


def test_attendance_cannot_be_recorded_before_the_session(world, member):
    session = TrainingSessionFactory(
        association=world["association"], starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    with pytest.raises(ValidationError):
        services.training_attendance(session=session, attended_ids=set(), by=member(Role.MANAGER))
