"""The association's pipeline: which step may follow which, what each move needs, its timeline, stale candidates."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.mentors import services
from binome.mentors.models import Mentor, MentorSettings, MentorStage
from tests.mentors.factories import MentorFactory, days_from_today

NOT_TRAINED = "La formation requise par l'association n'est pas terminée."
NOT_VETTED = "Le contrôle d'honorabilité n'est pas conforme et en cours de validité."


@pytest.fixture
def coordinator(member):
    return member(Role.COORDINATOR)


def mentor_of(world, **kwargs):
    return MentorFactory(association=world["association"], **kwargs)


def move(client, mentor, **data):
    return client.post(reverse("mentors:move", args=[mentor.pk]), data)


def page_text(response):
    return html.unescape(response.content.decode())


# --- The service ---------------------------------------------------------------------------------------


def test_an_interview_is_planned_with_its_date(world, coordinator):
    mentor = mentor_of(world)
    when = timezone.now() + datetime.timedelta(days=3)
    services.mentor_move(
        mentor=mentor, stage=MentorStage.INTERVIEW_PLANNED, by=coordinator, interview_at=when
    )
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.INTERVIEW_PLANNED
    assert mentor.interview_at == when


def test_planning_an_interview_needs_its_date(world, coordinator):
    mentor = mentor_of(world)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=MentorStage.INTERVIEW_PLANNED, by=coordinator)
    assert error.value.message_dict == {"interview_at": ["Indiquez la date de l'entretien."]}
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.CANDIDATE


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (MentorStage.CANDIDATE, MentorStage.TRAINING),
        (MentorStage.CANDIDATE, MentorStage.READY),
        (MentorStage.INTERVIEW_DONE, MentorStage.VETTING),
        (MentorStage.TRAINING, MentorStage.READY),
        (MentorStage.NOT_RETAINED, MentorStage.CANDIDATE),
        (MentorStage.LEFT, MentorStage.READY),
    ],
)
def test_a_forbidden_transition_is_refused_in_french(world, coordinator, current, target):
    mentor = mentor_of(world, stage=current, trained=True, vetted=True)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=target, by=coordinator, reason="Essai")
    assert error.value.message_dict == {
        "stage": [f"On ne passe pas de « {MentorStage(current).label} » à « {MentorStage(target).label} »."]
    }
    mentor.refresh_from_db()
    assert mentor.stage == current
    assert not mentor.events.exists()


def test_moving_to_the_same_stage_is_refused(world, coordinator):
    mentor = mentor_of(world, training=True)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=MentorStage.TRAINING, by=coordinator)
    assert error.value.message_dict == {"stage": ["Le mentor est déjà à cette étape."]}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (MentorStage.TRAINING, MentorStage.PAUSED),
        (MentorStage.INTERVIEW_DONE, MentorStage.LEFT),
        (MentorStage.CANDIDATE, MentorStage.NOT_RETAINED),
    ],
)
def test_pausing_leaving_and_refusing_need_a_reason(world, coordinator, current, target):
    mentor = mentor_of(world, stage=current)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=target, by=coordinator, reason="   ")
    assert error.value.message_dict == {"reason": ["Indiquez le motif."]}
    mentor.refresh_from_db()
    assert mentor.stage == current


def test_the_reason_is_kept_on_the_mentor_and_the_timeline(world, coordinator):
    mentor = mentor_of(world, training=True)
    services.mentor_move(
        mentor=mentor, stage=MentorStage.PAUSED, by=coordinator, reason="Déménagement en cours"
    )
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.PAUSED
    assert mentor.stage_reason == "Déménagement en cours"
    [event] = mentor.events.all()
    assert (event.stage, event.detail, event.actor) == (
        MentorStage.PAUSED,
        "Déménagement en cours",
        coordinator,
    )


def test_ready_is_refused_without_training_nor_check_and_both_reasons_are_given(world, coordinator):
    mentor = mentor_of(world, vetting=True)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=MentorStage.READY, by=coordinator)
    assert error.value.message_dict == {"stage": [NOT_TRAINED, NOT_VETTED]}
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING


def test_ready_is_refused_without_complete_training(world, coordinator):
    mentor = mentor_of(world, vetting=True, vetted=True)
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=MentorStage.READY, by=coordinator)
    assert error.value.message_dict == {"stage": [NOT_TRAINED]}


def test_ready_is_refused_with_an_expired_check(world, coordinator):
    mentor = mentor_of(world, vetting=True, trained=True, honorability_valid_until=days_from_today(-1))
    with pytest.raises(ValidationError) as error:
        services.mentor_move(mentor=mentor, stage=MentorStage.READY, by=coordinator)
    assert error.value.message_dict == {"stage": [NOT_VETTED]}


def test_a_trained_and_vetted_mentor_becomes_ready(world, coordinator):
    mentor = mentor_of(world, vetting=True, trained=True, vetted=True)
    services.mentor_move(mentor=mentor, stage=MentorStage.READY, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY
    assert Mentor.objects.matchable().get() == mentor


def test_each_move_is_on_the_timeline_with_its_actor(world, coordinator, member):
    manager = member(Role.MANAGER)
    mentor = mentor_of(world)
    with freeze_time("2026-03-02 10:00"):
        services.mentor_move(
            mentor=mentor,
            stage=MentorStage.INTERVIEW_PLANNED,
            by=coordinator,
            interview_at=timezone.now() + datetime.timedelta(days=2),
        )
    with freeze_time("2026-03-04 10:00"):
        services.mentor_move(mentor=mentor, stage=MentorStage.INTERVIEW_DONE, by=coordinator)
    with freeze_time("2026-03-05 10:00"):
        services.mentor_move(mentor=mentor, stage=MentorStage.TRAINING, by=manager)
    timeline = list(mentor.events.order_by("at", "id").values_list("stage", "actor"))
    assert timeline == [
        (MentorStage.INTERVIEW_PLANNED, coordinator.pk),
        (MentorStage.INTERVIEW_DONE, coordinator.pk),
        (MentorStage.TRAINING, manager.pk),
    ]
    mentor.refresh_from_db()
    assert mentor.stage_since == datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC)


# --- The page -----------------------------------------------------------------------------------------


def test_the_coordinator_moves_a_mentor_through_the_page(world, coordinator, client_for):
    mentor = mentor_of(world)
    client = client_for(coordinator)
    response = move(
        client, mentor, stage="interview_done", interview_notes="Très motivée, libre le mercredi."
    )
    assert response.status_code == 302
    assert response.url == reverse("mentors:detail", args=[mentor.pk])
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.INTERVIEW_DONE
    assert mentor.interview_notes == "Très motivée, libre le mercredi."
    assert mentor.events.get().actor == coordinator
    assert AccessLog.objects.filter(user=coordinator, action="update", object_id=str(mentor.pk)).exists()
    page = page_text(client.get(response.url))
    assert "Étape enregistrée : Entretien réalisé." in page


def test_the_page_does_not_offer_a_forbidden_step(world, coordinator, client_for):
    mentor = mentor_of(world)
    response = move(client_for(coordinator), mentor, stage="ready")
    assert response.status_code == 422
    assert "Sélectionnez un choix valide. ready n’en fait pas partie." in page_text(response)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.CANDIDATE


def test_the_page_asks_for_the_reason(world, coordinator, client_for):
    mentor = mentor_of(world)
    response = move(client_for(coordinator), mentor, stage="not_retained", reason="")
    assert response.status_code == 422
    assert "Indiquez le motif." in page_text(response)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.CANDIDATE


def test_the_page_asks_for_the_interview_date(world, coordinator, client_for):
    mentor = mentor_of(world)
    response = move(client_for(coordinator), mentor, stage="interview_planned")
    assert response.status_code == 422
    assert "Indiquez la date de l'entretien." in page_text(response)


def test_the_page_lists_why_a_mentor_is_not_ready(world, coordinator, client_for):
    mentor = mentor_of(world, vetting=True)
    response = move(client_for(coordinator), mentor, stage="ready")
    assert response.status_code == 422
    page = page_text(response)
    assert NOT_TRAINED in page and NOT_VETTED in page
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING


def test_the_page_shows_the_timeline(world, coordinator, client_for):
    mentor = mentor_of(world, training=True)
    services.mentor_move(mentor=mentor, stage=MentorStage.PAUSED, by=coordinator, reason="Examens")
    page = page_text(client_for(coordinator).get(reverse("mentors:detail", args=[mentor.pk])))
    assert "En pause</strong> Examens" in page
    assert str(coordinator) in page


def test_the_move_page_only_answers_post(world, coordinator, client_for):
    mentor = mentor_of(world)
    assert client_for(coordinator).get(reverse("mentors:move", args=[mentor.pk])).status_code == 405


# --- Stale candidates ----------------------------------------------------------------------------------


def names_listed(response):
    return [f"{m.last_name} {m.first_name}" for m in response.context["page"]]


def test_a_stale_candidate_is_flagged_in_the_list(world, coordinator, client_for):
    mentor_of(world, stale=True, first_name="Paul", last_name="Vidal")
    mentor_of(world, first_name="Lina", last_name="Morel")
    response = client_for(coordinator).get(reverse("mentors:list"), {"stale": "on"})
    assert names_listed(response) == ["Vidal Paul"]
    assert "attend trop" in response.content.decode()


def test_a_recent_candidate_is_not_flagged(world, coordinator, client_for):
    mentor_of(world, stage_since=timezone.now() - datetime.timedelta(days=13))
    response = client_for(coordinator).get(reverse("mentors:list"))
    assert len(names_listed(response)) == 1
    assert "attend trop" not in response.content.decode()
    assert names_listed(client_for(coordinator).get(reverse("mentors:list"), {"stale": "on"})) == []


def test_a_ready_mentor_waiting_is_not_stale(world, coordinator, client_for):
    mentor_of(world, ready=True, stale=True)
    response = client_for(coordinator).get(reverse("mentors:list"), {"stale": "on"})
    assert names_listed(response) == []


def test_the_delay_is_the_associations_setting(world, coordinator, client_for):
    MentorSettings.objects.create(association=world["association"], stale_after_days=30)
    mentor_of(world, stale=True)
    response = client_for(coordinator).get(reverse("mentors:list"), {"stale": "on"})
    assert names_listed(response) == []


def test_the_staff_home_page_shows_the_stale_candidates(world, coordinator, client_for):
    mentor_of(world, stale=True)
    mentor_of(world, stale=True, stage=MentorStage.INTERVIEW_DONE)
    response = client_for(coordinator).get(reverse("home"))
    assert "Candidatures qui attendent" in response.content.decode()
    [item] = [i for i in response.context["items"] if i.title == "Candidatures qui attendent"]
    assert (item.count, item.url) == (2, reverse("mentors:list") + "?stale=on")


def test_the_home_page_stays_quiet_without_stale_candidates(world, coordinator, client_for):
    mentor_of(world, interviewed=True)
    page = client_for(coordinator).get(reverse("home")).content.decode()
    assert "Candidatures qui attendent" not in page


def test_another_associations_stale_candidates_are_not_counted(world, coordinator, client_for):
    MentorFactory(association=world["other_association"], stale=True)
    page = client_for(coordinator).get(reverse("home")).content.decode()
    assert "Candidatures qui attendent" not in page
