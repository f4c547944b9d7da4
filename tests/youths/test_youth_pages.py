"""The youth's record through its pages: creation, assessment, proposal; errors in French, 422."""

import datetime
import html

import pytest
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.references.models import ReferenceKind
from binome.youths import services
from binome.youths.models import EventKind, LegalStatus, ProposalOutcome, Youth
from tests.accounts.factories import AseServiceFactory
from tests.youths.factories import (
    CommuneFactory,
    ReferralFactory,
    TerritoryFactory,
    YouthFactory,
    reference,
    today,
    years_ago,
)


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


def youth_data(world, **overrides):
    data = {
        "first_name": "Inès",
        "last_name": "Benali",
        "birth_date": years_ago(13).isoformat(),
        "gender": "f",
        "legal_status": LegalStatus.PARENTS,
        "authority_holders": "2",
        "objectives": [reference(world["departement"], ReferenceKind.OBJECTIVE, "orientation").pk],
        "modality": "in_person",
    }
    data.update(overrides)
    return data


def page_of(response):
    return html.unescape(response.content.decode())


def test_a_referrer_creates_a_youth_in_their_service(world, referrer, client_for):
    commune = CommuneFactory(insee_code="44109", name="Nantes")
    territory = TerritoryFactory(departement=world["departement"], name="Métropole", communes=[commune])
    response = client_for(referrer).post(reverse("youths:create"), youth_data(world, commune="44109"))
    youth = Youth.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("youths:detail", args=[youth.pk])
    assert youth.ase_service == world["ase_service"] and youth.departement == world["departement"]
    assert youth.territory == territory
    assert [o.code for o in youth.objectives.all()] == ["orientation"]
    assert youth.events.get().kind == EventKind.CREATED and youth.events.get().actor == referrer


def test_a_referrer_cannot_place_a_youth_in_another_service(world, referrer, client_for):
    other = AseServiceFactory(departement=world["departement"])
    client_for(referrer).post(reverse("youths:create"), youth_data(world, ase_service=other.pk))
    assert Youth.objects.get().ase_service == world["ase_service"]


def test_a_birth_date_in_the_future_is_refused(world, referrer, client_for):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    response = client_for(referrer).post(reverse("youths:create"), youth_data(world, birth_date=tomorrow))
    assert response.status_code == 422
    assert "La date de naissance ne peut pas être dans le futur." in page_of(response)
    assert 'value="Benali"' in response.content.decode()  # what was typed is kept
    assert not Youth.objects.exists()


def test_an_adult_under_parental_authority_is_refused(world, referrer, client_for):
    response = client_for(referrer).post(
        reverse("youths:create"), youth_data(world, birth_date=years_ago(19).isoformat())
    )
    assert response.status_code == 422
    assert "À 18 ans, le jeune consent pour lui-même : choisissez « Jeune majeur »." in page_of(response)


def test_a_minor_cannot_be_declared_young_adult(world, referrer, client_for):
    response = client_for(referrer).post(
        reverse("youths:create"), youth_data(world, legal_status=LegalStatus.YOUNG_ADULT)
    )
    assert response.status_code == 422
    assert "Un jeune majeur a 18 ans ou plus : vérifiez la date de naissance." in page_of(response)


def test_a_pilot_chooses_the_service(world, member, client_for):
    response = client_for(member(Role.PILOT)).post(
        reverse("youths:create"), youth_data(world, ase_service=world["ase_service"].pk)
    )
    assert response.status_code == 302
    assert Youth.objects.get().ase_service == world["ase_service"]


def test_a_pilot_cannot_choose_a_service_of_another_departement(world, member, client_for):
    response = client_for(member(Role.PILOT)).post(
        reverse("youths:create"), youth_data(world, ase_service=world["other_ase_service"].pk)
    )
    assert response.status_code == 422
    assert not Youth.objects.exists()


def test_editing_a_youth_is_on_the_timeline(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], first_name="Inès", last_name="Benali")
    response = client_for(referrer).post(
        reverse("youths:edit", args=[youth.pk]), youth_data(world, placement_structure="Foyer Les Cèdres")
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.placement_structure == "Foyer Les Cèdres"
    assert youth.events.get().kind == EventKind.UPDATED


# --- Assessment and proposal ----------------------------------------------------------------------------


@freeze_time("2026-03-01")
def test_an_assessment_opens_a_year_of_validity(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"])
    response = client_for(referrer).post(
        reverse("youths:assessment_add", args=[youth.pk]),
        {
            "date": "2026-01-15",
            "author_name": "Mme Roux, éducatrice",
            "conclusion": "in_interest",
            "ppe_reference": "PPE du 12/01/2026",
        },
        follow=True,
    )
    assert "L'évaluation de situation est enregistrée. Elle est valable un an." in page_of(response)
    youth.refresh_from_db()
    assert youth.assessment_date == datetime.date(2026, 1, 15) and youth.assessment_in_interest
    assert youth.assessment_due == datetime.date(2027, 1, 15)


def test_an_older_assessment_recorded_later_does_not_replace_the_latest(world, referrer):
    youth = YouthFactory(ase_service=world["ase_service"])
    service = world["ase_service"]
    services.assessment_record(
        youth=youth,
        by=referrer,
        organisation=service,
        date=today(),
        author_name="A",
        conclusion="in_interest",
    )
    services.assessment_record(
        youth=youth,
        by=referrer,
        organisation=service,
        date=today() - datetime.timedelta(days=400),
        author_name="B",
        conclusion="not_in_interest",
    )
    youth.refresh_from_db()
    assert youth.assessment_date == today() and youth.assessment_in_interest


def test_an_assessment_dated_in_the_future_is_refused(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"])
    response = client_for(referrer).post(
        reverse("youths:assessment_add", args=[youth.pk]),
        {
            "date": (today() + datetime.timedelta(days=1)).isoformat(),
            "author_name": "Mme Roux",
            "conclusion": "in_interest",
        },
    )
    assert response.status_code == 422
    assert "L'évaluation ne peut pas être datée dans le futur." in page_of(response)
    assert not youth.assessments.exists()


def test_a_postponed_proposal_without_date_is_refused_in_french(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"])
    response = client_for(referrer).post(
        reverse("youths:proposal_record", args=[youth.pk]),
        {"outcome": ProposalOutcome.POSTPONED, "date": today().isoformat()},
    )
    assert response.status_code == 422
    assert "Indiquez jusqu'à quand la proposition est reportée." in page_of(response)
    youth.refresh_from_db()
    assert youth.proposal_outcome == ""


def test_an_accepted_proposal_moves_the_next_step_on(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], assessed=True)
    client = client_for(referrer)
    client.post(
        reverse("youths:proposal_record", args=[youth.pk]),
        {"outcome": ProposalOutcome.ACCEPTED, "date": today().isoformat()},
    )
    page = page_of(client.get(reverse("youths:detail", args=[youth.pk])))
    assert "Consentements à recueillir" in page


def test_the_timeline_names_who_did_what(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], assessed=True)
    services.proposal_record(
        youth=youth,
        by=referrer,
        organisation=world["ase_service"],
        outcome=ProposalOutcome.ACCEPTED,
        date=today(),
    )
    page = page_of(client_for(referrer).get(reverse("youths:detail", args=[youth.pk])))
    assert "Proposition de mentorat</strong> : Acceptée" in page
    assert f"— {referrer.get_full_name()}" in page


def test_a_submitted_referral_can_no_longer_be_edited(world, referrer, client_for):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    response = client_for(referrer).post(
        reverse("youths:referral_edit", args=[referral.youth_id]), {"message": "Autre chose"}, follow=True
    )
    assert "L'orientation est déjà transmise : elle ne se modifie plus." in page_of(response)
    referral.refresh_from_db()
    assert referral.message == ""


def test_opening_the_edit_page_of_a_youth_is_logged(world, member, client_for):
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    client_for(member(Role.REFERRER)).get(reverse("youths:edit", args=[youth.pk]))
    assert AccessLog.objects.filter(action="view", object_id=str(youth.pk)).exists()
