"""Articles of décret n° 2024-118 carried by the pair's life (issue 14)."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.conventions.models import Convention
from binome.mentorships import services
from binome.mentorships.models import (
    DEFAULT_LEGAL_TEXT,
    ClosureCategory,
    ClosureReason,
    Coordination,
    MentorshipState,
)
from binome.mentorships.pdf import agreement_html
from binome.youths.models import ReferralState, Youth
from tests.mentors.factories import MentorFactory
from tests.mentorships.factories import active_pair, signed_pair, validated_pair
from tests.youths.factories import ReferralFactory, YouthFactory


def page(response):
    return html.unescape(response.content.decode())


def assessment_url(youth):
    return reverse("youths:assessment_add", args=[youth.pk])


def ending_assessment(**extra):
    return {
        "date": timezone.localdate().isoformat(),
        "author_name": "M. Roux, référent ASE",
        "conclusion": "not_in_interest",
        "concerted_parties": ["youth", "ase_service", "association"],
        "participants": "Lina ; M. Roux, référent ASE ; Mme Diallo, chargée de mentorat",
        "youth_opinion": "Elle ne souhaite plus voir sa mentore, elle préfère son club de foot.",
        **extra,
    }


# --- D.221-40: an assessment concluding that mentoring no longer serves the child ends the pair ----


def test_an_assessment_concluding_against_mentoring_closes_the_running_pair(
    world, people, client_for, mailoutbox
):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    youth = mentorship.youth
    youth.referrer = people["other_referrer"]  # another referent than the one recording: informed too
    youth.save(update_fields=["referrer"])
    mailoutbox.clear()
    client = client_for(people["referrer"])
    form = client.get(assessment_url(youth))
    assert "Ce jeune est en binôme" in page(form) and "Associés à l'évaluation concertée" in page(form)

    response = client.post(assessment_url(youth), ending_assessment())

    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED
    assert mentorship.closure_reason == ClosureReason.NOT_IN_INTEREST
    assert mentorship.closure_category == ClosureCategory.ASE
    assert mentorship.ended_at == timezone.localdate()
    closure = mentorship.closures.get()
    assert closure.automatic and closure.closed_by == people["referrer"]
    assert "le jeune, le service de l'aide sociale à l'enfance, l'association de mentorat" in closure.comment
    assert "Mme Diallo, chargée de mentorat" in closure.comment
    assert "club de foot" in closure.comment
    assert ClosureReason(closure.reason).label == "Évaluation : plus dans l'intérêt de l'enfant"
    assert mentorship.referral.state == ReferralState.WITHDRAWN
    # The parties are informed: the pair's coordinator and the youth's referent (not the one who acted).
    alerts = [m for m in mailoutbox if "art. D.221-40" in m.body]
    assert {tuple(m.to) for m in alerts} == {
        (people["coordinator"].email,),
        (people["other_referrer"].email,),
    }
    assert all("Lina" not in m.subject for m in mailoutbox)
    shown = page(client.get(response["Location"]))
    assert "le binôme est clôturé et l'association est prévenue" in shown
    assert "Mme Diallo, chargée de mentorat" in shown  # who took part, on the youth's page


def test_ending_a_pair_needs_an_evaluation_concerted_with_the_youth(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    client = client_for(people["referrer"])
    response = client.post(
        assessment_url(mentorship.youth),
        ending_assessment(
            concerted_parties=["ase_service", "association"], participants="", youth_opinion=""
        ),
    )
    assert response.status_code == 422
    text = page(response)
    assert "il doit être associé à l'évaluation qui met fin à son mentorat" in text
    assert "Indiquez qui a pris part" in text and "Notez l'avis du jeune" in text
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE
    assert mentorship.youth.assessments.count() == 1  # only the factory's: nothing recorded


def test_an_assessment_dated_before_the_pair_cannot_end_it(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    earlier = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    response = client_for(people["referrer"]).post(
        assessment_url(mentorship.youth), ending_assessment(date=earlier)
    )
    assert response.status_code == 422
    assert "précède le binôme en cours" in page(response)
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE


def test_an_assessment_in_the_youths_interest_leaves_the_pair_running(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    response = client_for(people["referrer"]).post(
        assessment_url(mentorship.youth),
        {"date": timezone.localdate().isoformat(), "author_name": "M. Roux", "conclusion": "in_interest"},
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE


# --- D.221-38, D.221-39, L.221-2-6 III: the agreement's clauses and the PPE / PAA --------------------


def test_the_default_clauses_follow_the_decree():
    assert "président du conseil départemental s'assure" in DEFAULT_LEGAL_TEXT
    assert "L'association forme le mentor, vérifie son honorabilité" not in DEFAULT_LEGAL_TEXT
    assert (
        "il est mis fin au mentorat" in DEFAULT_LEGAL_TEXT and "il peut mettre fin" not in DEFAULT_LEGAL_TEXT
    )
    assert "projet d'accès à l'autonomie (PAA)" in DEFAULT_LEGAL_TEXT


def test_the_agreement_names_the_paa_for_a_young_adult(world, people):
    mentorship = validated_pair(world, people["coordinator"], young_adult=True)
    html_text = agreement_html(mentorship.agreements.get())
    assert "mentionnée dans le projet d'accès à l'autonomie (PAA) du jeune" in html.unescape(html_text)
    minor = validated_pair(world, people["coordinator"])
    assert "mentionnée dans le projet pour l'enfant (PPE) du jeune" in html.unescape(
        agreement_html(minor.agreements.get())
    )


def test_the_referent_records_that_the_mentoring_is_written_into_the_ppe(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=20)
    client = client_for(people["referrer"])
    detail = reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk})
    assert "Pas encore inscrit dans le PPE ou le PAA du jeune" in page(client.get(detail))
    url = reverse("mentorships:project_mention", kwargs={"mentorship_id": mentorship.pk})
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    refused = client.post(url, {"kind": "ppe", "written_on": future})
    assert refused.status_code == 422 and "ne peut pas être dans le futur" in page(refused)
    on = timezone.localdate() - datetime.timedelta(days=3)
    assert client.post(url, {"kind": "ppe", "written_on": on.isoformat()}).status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.project_kind, mentorship.project_written_on) == ("ppe", on)
    assert f"inscrit dans le Projet pour l'enfant (PPE) depuis le {on:%d/%m/%Y}" in page(client.get(detail))
    # Another service's referent cannot.
    assert (
        client_for(people["other_referrer"]).post(url, {"kind": "paa", "written_on": on}).status_code == 404
    )


# --- Between the steps: open concerns at closure, one planned end, the signed agreement's status ------


CLOSE = {
    "reason": "planned_end",
    "closing_meeting_on": "",
    "objectives_reached": "mostly",
    "mentor_may_rematch": "yes",
    "comment": "",
}


def test_closing_asks_what_was_done_about_each_open_concern(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=90)
    concern = services.concern_raise(
        mentorship=mentorship, message="Le jeune ne vient plus aux rendez-vous.", by_mentor=True
    )
    client = client_for(people["coordinator"])
    url = reverse("mentorships:close", kwargs={"mentorship_id": mentorship.pk})
    form = page(client.get(url))
    assert "1 préoccupation encore ouverte" in form and "Le jeune ne vient plus aux rendez-vous." in form
    data = {**CLOSE, "ended_on": timezone.localdate().isoformat()}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "Indiquez ce qui a été fait pour cette préoccupation." in page(refused)
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE
    done = client.post(url, {**data, f"concern_{concern.pk}": "Appel au jeune et à son référent le 3/12."})
    assert done.status_code == 302
    mentorship.refresh_from_db()
    concern.refresh_from_db()
    assert mentorship.state == MentorshipState.CLOSED and mentorship.concern_open is False
    assert concern.resolution == "Appel au jeune et à son référent le 3/12." and concern.resolved_at
    assert "Préoccupation signalée" not in page(client.get(done["Location"]))


def test_an_automatic_closure_resolves_the_open_concerns(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    concern = services.concern_raise(mentorship=mentorship, message="Absences répétées.", by_mentor=True)
    services.mentorship_close(mentorship=mentorship, by=None, reason="consent_withdrawn", automatic=True)
    concern.refresh_from_db()
    assert concern.resolved_at and "clôturé automatiquement" in concern.resolution


def test_the_planned_end_is_the_agreements(world, people, client_for):
    mentorship = signed_pair(world, people["coordinator"])
    agreement = mentorship.agreements.get()
    services.mentorship_launch(
        mentorship=mentorship,
        by=people["coordinator"],
        organisation=world["association"],
        held_at=timezone.now() - datetime.timedelta(minutes=5),
        objectives="Confiance",
    )
    mentorship.refresh_from_db()
    # Launched today, two weeks before the agreement's start: the end stays the agreement's.
    assert (
        mentorship.planned_end_on == agreement.end_on != timezone.localdate() + datetime.timedelta(days=183)
    )
    text = page(client_for(people["coordinator"]).get(reverse("mentorships:detail", args=[mentorship.pk])))
    assert f"Fin prévue</dt><dd>{agreement.end_on:%d/%m/%Y}" in text


def test_a_signed_agreement_says_launch_the_pair_with_one_launch_block(world, people, client_for):
    mentorship = signed_pair(world, people["coordinator"])
    text = page(client_for(people["coordinator"]).get(reverse("mentorships:detail", args=[mentorship.pk])))
    assert "Convention signée — lancez le binôme" in text
    assert "Convention à signer" not in text and "Convention en cours de signature" not in text
    assert text.count('<h2 id="plan-title">') + text.count('<h2 id="launch-title">') == 1
    assert "Lancer le binôme" in text


# --- Re-matching: a new mentor after a pair closed --------------------------------------------------------


def test_a_closed_pairs_youth_waits_again_for_a_new_mentor(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=60)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason="mentor_unavailable",
        objectives_reached="partly",
        mentor_may_rematch=True,
    )
    client = client_for(people["coordinator"])
    detail = reverse("mentorships:detail", args=[mentorship.pk])
    assert "Proposer un nouveau mentor" in page(client.get(detail))
    response = client.post(reverse("mentorships:rematch", args=[mentorship.pk]))
    referral = mentorship.referral
    referral.refresh_from_db()
    assert response.url == reverse("matching:youth_candidates", kwargs={"referral_id": referral.pk})
    assert referral.state == ReferralState.ACCEPTED and referral.association == world["association"]
    # The new wait counts from now (today in Paris).
    assert timezone.localtime(referral.accepted_at).date() == timezone.localdate()
    # The same consents and assessment: nothing to collect again; a new pair can be validated.
    youth = mentorship.youth
    assert youth.consents.filter(withdrawn_at__isnull=True).count() >= 2
    other = MentorFactory(association=world["association"], ready=True)
    second = services.mentorship_create(
        referral=referral, mentor=other, by=people["coordinator"], organisation=world["association"]
    )
    assert second.youth == youth and second.mentor == other
    assert "Proposer un nouveau mentor" not in page(client.get(detail))  # the youth has a pair again


def test_no_new_mentor_while_the_gate_is_closed_or_the_pair_runs(world, people):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    with pytest.raises(ValidationError, match="clôturez-le"):
        services.mentorship_rematch(
            mentorship=mentorship, by=people["coordinator"], organisation=world["association"]
        )
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason="relationship",
        objectives_reached="no",
        mentor_may_rematch=True,
    )
    Youth.objects.filter(pk=mentorship.youth_id).update(
        assessment_date=timezone.localdate() - datetime.timedelta(days=400)
    )
    with pytest.raises(ValidationError, match="plus d'un an"):
        services.mentorship_rematch(
            mentorship=mentorship, by=people["coordinator"], organisation=world["association"]
        )
    mentorship.referral.refresh_from_db()
    assert mentorship.referral.state == ReferralState.MATCHED


def test_no_new_mentor_once_the_convention_is_no_longer_in_force(world, people):
    """The same rule as a first acceptance: a convention that ended gives no youth to the association."""
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason="relationship",
        objectives_reached="no",
        mentor_may_rematch=True,
    )
    Convention.objects.filter(departement=world["departement"], association=world["association"]).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1),
        start_date=timezone.localdate() - datetime.timedelta(days=400),
    )
    with pytest.raises(ValidationError, match="plus en vigueur"):
        services.mentorship_rematch(
            mentorship=mentorship, by=people["coordinator"], organisation=world["association"]
        )
    mentorship.referral.refresh_from_db()
    assert mentorship.referral.state == ReferralState.MATCHED


# --- D.221-36: a pair coordinated by the ASE service itself, failing an association ---------------


def test_a_pair_held_by_an_ase_service_is_marked_as_coordinated_by_it(world, people):
    service = world["ase_service"]
    youth = YouthFactory(ready=True, ase_service=service)
    referral = ReferralFactory(youth=youth, accepted=True, association=service)
    mentor = MentorFactory(association=service, ready=True)
    pair = services.mentorship_create(
        referral=referral, mentor=mentor, by=people["referrer"], organisation=service
    )
    assert pair.coordination == Coordination.ASE_SERVICE
    usual = validated_pair(world, people["coordinator"])
    assert usual.coordination == Coordination.ASSOCIATION
