"""Closure with its two-level reasons, reopening with a trace, automatic closures (honorability, consent
withdrawn), renewal and extension by amendment."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.mentors.models import MentorStage
from binome.mentors.services import check_confirm_failure
from binome.mentorships import services
from binome.mentorships.models import ClosureCategory, ClosureReason, MentorshipState
from binome.surveys.models import Respondent, SurveyKind
from binome.youths.services import consent_withdraw
from tests.mentors.factories import HonorabilityCheckFactory
from tests.mentorships.factories import active_pair, log_meeting, sign_all, validated_pair


def page(response):
    return html.unescape(response.content.decode())


def close_url(mentorship):
    return reverse("mentorships:close", kwargs={"mentorship_id": mentorship.pk})


FORM = {
    "ended_on": "",
    "reason": ClosureReason.PLANNED_END,
    "closing_meeting_on": "",
    "objectives_reached": "mostly",
    "mentor_may_rematch": "yes",
    "comment": "Belle relation, le jeune a trouvé son stage.",
}


def test_closing_counts_meetings_frees_the_mentor_and_opens_the_exit_surveys(
    world, people, client_for, mailoutbox
):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=100)
    for days, modality in ((90, "in_person"), (60, "remote"), (30, "in_person"), (5, "in_person")):
        log_meeting(mentorship, days, by=people["coordinator"], modality=modality)
    mailoutbox.clear()
    response = client_for(people["coordinator"]).post(
        close_url(mentorship), {**FORM, "ended_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED
    assert (mentorship.closure_category, mentorship.closure_reason) == (
        ClosureCategory.NATURAL,
        "planned_end",
    )
    assert (mentorship.meetings_in_person, mentorship.meetings_remote) == (3, 1)
    assert mentorship.frequency_kept is True
    assert mentorship.objectives_reached == "mostly" and mentorship.mentor_may_rematch is True
    assert mentorship.colour == ""
    closure = mentorship.closures.get()
    assert closure.meetings_in_person == 3 and closure.closed_by == people["coordinator"]
    mentor = mentorship.mentor
    mentor.refresh_from_db()
    assert (mentor.current_pairs, mentor.stage) == (0, MentorStage.READY)
    surveys = mentorship.survey_responses.filter(kind=SurveyKind.EXIT)
    assert set(surveys.values_list("respondent", flat=True)) == {Respondent.YOUTH, Respondent.MENTOR}
    [mail] = mailoutbox
    assert mail.to == [mentor.email] and "questionnaire" in mail.subject
    shown = page(client_for(people["coordinator"]).get(reverse("mentorships:detail", args=[mentorship.pk])))
    assert "Fin naturelle : Fin prévue de l'accompagnement" in shown
    assert "3 rencontres en présentiel et 1 à distance, fréquence respectée" in shown


def test_a_gap_longer_than_six_weeks_means_the_frequency_was_not_kept(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=120)
    log_meeting(mentorship, 110, by=people["coordinator"])
    log_meeting(mentorship, 40, by=people["coordinator"])
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.YOUTH_DISENGAGED,
        objectives_reached="partly",
        mentor_may_rematch=True,
    )
    mentorship.refresh_from_db()
    assert mentorship.frequency_kept is False
    assert mentorship.closure_category == ClosureCategory.PAIR


def test_the_closure_form_asks_for_the_objectives_and_the_mentors_future(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    response = client_for(people["coordinator"]).post(
        close_url(mentorship),
        {
            **FORM,
            "objectives_reached": "",
            "mentor_may_rematch": "",
            "ended_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 422
    shown = page(response)
    assert "Indiquez si les objectifs sont atteints" in shown or "Ce champ est obligatoire." in shown
    assert "Belle relation, le jeune a trouvé son stage." in shown
    mentorship.refresh_from_db()
    assert mentorship.is_open


def test_reasons_are_grouped_in_four_kinds(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"])
    shown = page(client_for(people["coordinator"]).get(close_url(mentorship)))
    for label in ("Arrêt lié au binôme", "Fin liée à l'ASE", "Sécurité et honorabilité", "Fin naturelle"):
        assert f'<optgroup label="{label}">' in shown
    assert "Limite d'âge (18 ou 21 ans)" in shown


def test_a_mentor_not_to_be_matched_again_is_paused(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=20)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.RELATIONSHIP,
        objectives_reached="no",
        mentor_may_rematch=False,
    )
    mentor = mentorship.mentor
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.PAUSED and mentor.current_pairs == 0


def test_a_closed_pair_is_reopened_with_a_trace(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=40)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.MENTOR_UNAVAILABLE,
        objectives_reached="partly",
        mentor_may_rematch=True,
    )
    url = reverse("mentorships:reopen", kwargs={"mentorship_id": mentorship.pk})
    client = client_for(people["manager"])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "Clôture saisie par erreur"}).status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE and mentorship.ended_at is None
    assert mentorship.closure_reason == "" and mentorship.colour
    closure = mentorship.closures.get()
    assert closure.reopened_by == people["manager"] and closure.reopen_reason == "Clôture saisie par erreur"
    mentor = mentorship.mentor
    mentor.refresh_from_db()
    assert (mentor.current_pairs, mentor.stage) == (1, MentorStage.IN_PAIR)
    assert not mentorship.survey_responses.pending().exists()
    # Closed again the same day: the exit survey is asked again (the first one was cancelled).
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.PLANNED_END,
        objectives_reached="yes",
        mentor_may_rematch=True,
    )
    assert mentorship.survey_responses.pending().filter(kind="exit", respondent="youth").count() == 1
    services.mentorship_reopen(
        mentorship=mentorship, by=people["manager"], organisation=world["association"], reason="Reprise"
    )
    shown = page(client.get(reverse("mentorships:detail", args=[mentorship.pk])))
    assert "Rouvert le" in shown and "Clôture saisie par erreur" in shown and "Reprise" in shown
    # The referrer follows only the pairs their own service coordinates (art. D.221-36): not this one.
    assert client_for(people["referrer"]).post(url, {"reason": "x"}).status_code == 404


def test_a_confirmed_honorability_failure_closes_the_pair_and_alerts_the_coordinator(
    world, people, mailoutbox
):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    check = HonorabilityCheckFactory(
        mentor=mentorship.mentor, departement=world["departement"], not_compliant=True
    )
    mailoutbox.clear()
    check_confirm_failure(check=check, by=people["pilot"])
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED
    assert (mentorship.closure_category, mentorship.closure_reason) == (
        ClosureCategory.SAFETY,
        "honorability",
    )
    assert mentorship.closures.get().automatic
    mentor = mentorship.mentor
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.LEFT and mentor.current_pairs == 0
    assert [m.to for m in mailoutbox] == [[people["coordinator"].email]]
    assert "contrôle d'honorabilité" in mailoutbox[0].alternatives[0][0].replace("&#x27;", "'")
    assert not mentorship.survey_responses.filter(respondent=Respondent.MENTOR).pending().exists()
    assert not mentorship.mentor_accesses.filter(revoked_at__isnull=True).exists()


def test_a_withdrawn_consent_ends_the_pair(world, people, mailoutbox):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    consent = mentorship.youth.consents.filter(kind="parent").first()
    mailoutbox.clear()
    consent_withdraw(consent=consent, by=people["referrer"], organisation=world["ase_service"], note="Refus")
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED
    assert (mentorship.closure_category, mentorship.closure_reason) == (
        ClosureCategory.ASE,
        "consent_withdrawn",
    )
    assert people["coordinator"].email in [to for m in mailoutbox for to in m.to]


def test_a_pair_waiting_for_its_agreement_can_be_closed_without_objectives(world, people):
    mentorship = validated_pair(world, people["coordinator"])
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.YOUTH_DISENGAGED,
        mentor_may_rematch=True,
    )
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED and mentorship.frequency_kept is None
    assert not mentorship.survey_responses.exists()


# --- Renewal ---------------------------------------------------------------------------------------


def test_a_natural_end_can_be_renewed_with_the_same_mentor(world, people, client_for):
    previous = active_pair(world, people["coordinator"], started_days_ago=200)
    services.mentorship_close(
        mentorship=previous,
        by=people["coordinator"],
        reason=ClosureReason.PLANNED_END,
        objectives_reached="yes",
        mentor_may_rematch=True,
    )
    response = client_for(people["coordinator"]).post(reverse("mentorships:renew", args=[previous.pk]))
    renewal = previous.renewals.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/binomes/{renewal.pk}/")
    assert renewal.is_renewal and renewal.mentor == previous.mentor and renewal.youth == previous.youth
    assert renewal.state == MentorshipState.AGREEMENT and renewal.agreements.count() == 1
    overview = page(client_for(people["pilot"]).get(reverse("mentorships:overview")))
    assert "Reconductions" in overview
    again = client_for(people["coordinator"]).post(
        reverse("mentorships:renew", args=[previous.pk]), follow=True
    )
    assert "déjà été reconduit" in page(again)


def test_a_safety_closure_cannot_be_renewed(world, people):
    previous = active_pair(world, people["coordinator"], started_days_ago=30)
    services.mentorship_close(
        mentorship=previous,
        by=people["coordinator"],
        reason=ClosureReason.SAFETY,
        objectives_reached="no",
        mentor_may_rematch=False,
    )
    with pytest.raises(ValidationError, match="sécurité"):
        services.mentorship_renew(
            mentorship=previous, by=people["coordinator"], organisation=world["association"]
        )


def test_an_amendment_extends_the_pair_once_everyone_signed_it(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=150)
    end = mentorship.planned_end_on
    new_end = end + datetime.timedelta(days=180)
    client = client_for(people["coordinator"])
    response = client.post(
        reverse("mentorships:amendment_create", args=[mentorship.pk]),
        {
            "changes": "Prolongation de six mois",
            "end_on": new_end.isoformat(),
            "frequency": "",
            "modality": "",
        },
    )
    assert response.status_code == 302
    amendment = mentorship.agreements.get(number=1)
    assert amendment.extends and amendment.title == "Avenant n° 1"
    mentorship.refresh_from_db()
    assert mentorship.planned_end_on == end  # not before every party signed
    sign_all(mentorship, people["coordinator"], agreement=amendment)
    mentorship.refresh_from_db()
    assert mentorship.planned_end_on == new_end and mentorship.extension_count == 1
    response = client.post(
        reverse("mentorships:amendment_create", args=[mentorship.pk]),
        {"changes": "", "end_on": "", "frequency": "", "modality": ""},
    )
    assert response.status_code == 422


def test_a_pair_closed_when_a_consent_was_withdrawn_cannot_be_reopened(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=40)
    consent_withdraw(
        consent=mentorship.youth.consents.first(), by=people["referrer"], organisation=world["ase_service"]
    )
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED

    with pytest.raises(ValidationError) as error:
        services.mentorship_reopen(
            mentorship=mentorship, by=people["manager"], organisation=world["association"], reason="erreur"
        )

    assert "retrait d'un consentement" in error.value.messages[0]
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED


def test_the_launch_checks_the_mentor_honorability_again(world, people):
    from tests.mentorships.factories import signed_pair

    mentorship = signed_pair(world, people["coordinator"])
    mentorship.mentor.honorability_valid_until = timezone.localdate() - datetime.timedelta(days=1)
    mentorship.mentor.save(update_fields=["honorability_valid_until"])

    with pytest.raises(ValidationError) as error:
        services.mentorship_launch(
            mentorship=mentorship,
            by=people["coordinator"],
            organisation=world["association"],
            held_at=timezone.now() - datetime.timedelta(minutes=5),
            objectives="Reprendre confiance",
        )

    assert "honorabilité" in error.value.messages[0]
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.AGREEMENT
