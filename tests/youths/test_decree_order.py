"""Art. D.221-34: the situation assessment comes before the proposal of a mentor (issue 14)."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.accounts.models import Role
from binome.references.models import ReferenceKind
from binome.youths import pdf, rules, services
from binome.youths.models import ConsentKind, LegalStatus, PathwaySettings, ProposalOutcome, Youth
from tests.youths.factories import (
    ConsentFactory,
    SituationAssessmentFactory,
    YouthFactory,
    reference,
    today,
    years_ago,
)


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


def page_of(response):
    return html.unescape(response.content.decode())


def propose(youth, referrer, world, outcome=ProposalOutcome.ACCEPTED, date=None):
    return services.proposal_record(
        youth=youth, by=referrer, organisation=world["ase_service"], outcome=outcome, date=date or today()
    )


def test_the_youth_page_lists_the_assessment_before_the_proposal(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"])
    text = page_of(client_for(referrer).get(reverse("youths:detail", args=[youth.pk])))
    assert text.index("1. Évaluation de la situation") < text.index("2. Proposition du mentorat")
    assert "Évaluation de situation à faire" in text  # the next step
    # No link to record a proposal yet, and the reason instead.
    assert reverse("youths:proposal_record", args=[youth.pk]) not in text
    assert "enregistrez d'abord l'évaluation" in text


def test_a_proposal_without_assessment_is_refused_with_the_reason(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"])
    client = client_for(referrer)
    url = reverse("youths:proposal_record", args=[youth.pk])
    assert "enregistrez d'abord l'évaluation" in page_of(client.get(url))
    response = client.post(url, {"outcome": ProposalOutcome.ACCEPTED, "date": today().isoformat()})
    assert response.status_code == 422
    assert "Le mentorat se propose après l'évaluation de la situation du jeune (art. D.221-34)" in page_of(
        response
    )
    youth.refresh_from_db()
    assert youth.proposal_outcome == ""


@pytest.mark.parametrize(
    "outcome",
    [ProposalOutcome.ACCEPTED, ProposalOutcome.DECLINED_YOUTH, ProposalOutcome.DECLINED_GUARDIANS],
)
def test_every_proposal_needs_an_assessment(world, referrer, outcome):
    youth = YouthFactory(ase_service=world["ase_service"])
    with pytest.raises(ValidationError, match="enregistrez d'abord l'évaluation"):
        propose(youth, referrer, world, outcome)


def test_an_assessment_older_than_a_year_on_the_proposal_date_is_refused(world, referrer):
    assessed_on = today() - datetime.timedelta(days=400)
    youth = YouthFactory(
        ase_service=world["ase_service"], assessment_date=assessed_on, assessment_in_interest=True
    )
    SituationAssessmentFactory(youth=youth, date=assessed_on)
    with pytest.raises(ValidationError, match="avait plus d'un an à la date de la proposition"):
        propose(youth, referrer, world)
    # Dated while the assessment was valid (a proposal recorded late), it is accepted.
    propose(youth, referrer, world, date=assessed_on + datetime.timedelta(days=30))
    youth.refresh_from_db()
    assert youth.proposal_outcome == ProposalOutcome.ACCEPTED


def test_a_proposal_cannot_precede_the_assessment(world, referrer):
    youth = YouthFactory(ase_service=world["ase_service"], assessed=True)
    with pytest.raises(ValidationError, match="elle ne peut pas être datée avant"):
        propose(youth, referrer, world, date=youth.assessment_date - datetime.timedelta(days=1))


def test_an_assessment_against_mentoring_blocks_the_proposal_but_allows_recording_why(world, referrer):
    youth = YouthFactory(
        ase_service=world["ase_service"],
        assessment_date=today() - datetime.timedelta(days=5),
        assessment_in_interest=False,
    )
    with pytest.raises(ValidationError, match="il ne peut pas lui être proposé"):
        propose(youth, referrer, world)
    propose(youth, referrer, world, ProposalOutcome.NOT_IN_INTEREST)
    youth.refresh_from_db()
    assert youth.proposal_outcome == ProposalOutcome.NOT_IN_INTEREST


def test_with_a_valid_assessment_the_proposal_is_recorded(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], assessed=True)
    client = client_for(referrer)
    response = client.post(
        reverse("youths:proposal_record", args=[youth.pk]),
        {"outcome": ProposalOutcome.ACCEPTED, "date": today().isoformat()},
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.proposal_outcome == ProposalOutcome.ACCEPTED


# --- D.221-34 al.2: the first assessment at the start of care from 11, at the latest on entering collège ---


def test_first_assessment_due_dates_by_hand():
    born = datetime.date(2014, 3, 10)  # 11 on 10/03/2025, enters 6e on 01/09/2025 as most children
    # Taken into care at 12: due the day care started.
    assert rules.first_assessment_due(born, datetime.date(2026, 5, 4)) == datetime.date(2026, 5, 4)
    # In care since 8: due on entering collège, the rentrée of the year they turn 11.
    assert rules.first_assessment_due(born, datetime.date(2022, 1, 3)) == datetime.date(2025, 9, 1)
    # Held back in CM2 in 2025-2026: enters collège in September 2026.
    assert rules.first_assessment_due(born, datetime.date(2022, 1, 3), "cm2", 2025) == datetime.date(
        2026, 9, 1
    )
    # Already in 5e in 2024-2025 (a year ahead), care started at 10 in 2024: due the day care started.
    assert rules.first_assessment_due(born, datetime.date(2024, 10, 1), "5e", 2024) == datetime.date(
        2024, 10, 1
    )
    # Date of care unknown: the entry into collège.
    assert rules.first_assessment_due(born, None) == datetime.date(2025, 9, 1)
    assert rules.school_year_of(datetime.date(2026, 8, 31)) == 2025
    assert rules.school_year_of(datetime.date(2026, 9, 1)) == 2026


def test_the_form_records_the_care_start_and_the_list_shows_first_assessments_due(
    world, referrer, client_for
):
    client = client_for(referrer)
    started = today() - datetime.timedelta(days=40)
    response = client.post(
        reverse("youths:create"),
        {
            "first_name": "Noé",
            "last_name": "Vasseur",
            "birth_date": (today() - datetime.timedelta(days=13 * 366)).isoformat(),
            "gender": "m",
            "legal_status": "parents",
            "authority_holders": "2",
            "care_started_on": started.isoformat(),
            "school_level": reference(world["departement"], ReferenceKind.SCHOOL_LEVEL, "5e").pk,
        },
    )
    assert response.status_code == 302, page_of(response)
    youth = Youth.objects.get(last_name="Vasseur")
    assert youth.care_started_on == started
    assert youth.school_year == rules.school_year_of(today())
    assert youth.first_assessment_due_on == started  # 13 when taken into care
    later = YouthFactory(ase_service=world["ase_service"], first_name="Zélie")
    Youth.objects.filter(pk=later.pk).update(first_assessment_due_on=today() + datetime.timedelta(days=90))
    assessed = YouthFactory(ase_service=world["ase_service"], first_name="Yanis", assessed=True)
    Youth.objects.filter(pk=assessed.pk).update(first_assessment_due_on=started)

    listed = client.get(reverse("youths:list"), {"status": "first_assessment_due"})
    assert [y.first_name for y in listed.context["page"]] == ["Noé"]
    assert listed.context["counts"]["first_assessment_due"] == 1
    detail = page_of(client.get(reverse("youths:detail", args=[youth.pk])))
    assert f"Première évaluation en retard : due le {started:%d/%m/%Y}" in detail


def test_a_care_start_in_the_future_is_refused(world, referrer, client_for):
    response = client_for(referrer).post(
        reverse("youths:create"),
        {
            "first_name": "Noé",
            "last_name": "Vasseur",
            "birth_date": "2012-02-02",
            "gender": "m",
            "legal_status": "parents",
            "authority_holders": "2",
            "care_started_on": (today() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "La prise en charge ne peut pas commencer dans le futur." in page_of(response)


# --- D.221-35: the consents the legal status requires, and only those -----------------------------


def kinds_offered(client, youth):
    response = client.get(reverse("youths:consent_add", args=[youth.pk]))
    return [value for value, _ in response.context["form"].fields["kind"].choices]


def test_the_consent_form_offers_only_what_the_legal_status_requires(world, referrer, client_for):
    client = client_for(referrer)
    fifteen = YouthFactory(ase_service=world["ase_service"], birth_date=years_ago(15))
    assert kinds_offered(client, fifteen) == ["youth_adhesion", "parent"]
    ward = YouthFactory(ase_service=world["ase_service"], ward=True)
    assert kinds_offered(client, ward) == ["youth_adhesion", "tutor", "family_council"]
    adult = YouthFactory(ase_service=world["ase_service"], young_adult=True)
    assert kinds_offered(client, adult) == ["young_adult"]
    response = client.post(
        reverse("youths:consent_add", args=[fifteen.pk]),
        {"kind": "young_adult", "given_by": "le jeune", "date": today().isoformat(), "method": "oral"},
    )
    assert response.status_code == 422
    assert not fifteen.consents.exists()


def test_a_guardianship_that_is_not_a_state_ward_needs_the_tutor_and_the_youth(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], legal_status=LegalStatus.GUARDIANSHIP)
    assert kinds_offered(client_for(referrer), youth) == ["youth_adhesion", "tutor"]
    assert rules.youth_missing_consents(youth) == [
        "l'avis et l'adhésion du jeune",
        "l'accord écrit du tuteur",
    ]
    ConsentFactory(youth=youth, kind=ConsentKind.YOUTH_ADHESION)
    ConsentFactory(youth=youth, kind=ConsentKind.TUTOR)
    assert rules.youth_missing_consents(youth) == []  # no family council outside the pupilles de l'État


def test_the_service_refuses_a_consent_the_status_does_not_call_for(world, referrer):
    youth = YouthFactory(ase_service=world["ase_service"], birth_date=years_ago(15))
    with pytest.raises(ValidationError, match="ne correspond pas à la situation juridique"):
        services.consent_record(
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            kind=ConsentKind.YOUNG_ADULT,
            given_by="le jeune",
            date=today(),
            method="oral",
        )


# --- D.221-35 al.1: the information given to the child and to each holder of parental authority -----


def test_the_information_given_to_each_person_is_recorded(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], birth_date=years_ago(13))
    client = client_for(referrer)
    detail = page_of(client.get(reverse("youths:detail", args=[youth.pk])))
    assert "À informer (art. D.221-35) : le jeune, les deux titulaires de l'autorité parentale." in detail
    url = reverse("youths:information_add", args=[youth.pk])
    offered = [v for v, _ in client.get(url).context["form"].fields["party"].choices]
    assert offered == ["youth", "parent"]
    base = {"date": today().isoformat(), "method": "meeting", "given_by": "M. Roux, référent ASE"}
    client.post(url, {**base, "party": "youth", "recipient_name": "le jeune", "leaflet_given": "on"})
    client.post(url, {**base, "party": "parent", "recipient_name": "Mme Benali, mère", "leaflet_given": "on"})
    detail = page_of(client.get(reverse("youths:detail", args=[youth.pk])))
    assert "À informer (art. D.221-35) : le second titulaire de l'autorité parentale." in detail
    response = client.post(
        url, {**base, "party": "parent", "recipient_name": "M. Benali, père", "method": "letter"}
    )
    assert response.status_code == 302
    detail = page_of(client.get(reverse("youths:detail", args=[youth.pk])))
    assert "Information donnée à chacun" in detail
    assert "M. Benali, père) — par courrier ou e-mail, par M. Roux, référent ASE" in detail
    assert youth.information_given.filter(leaflet_given=True).count() == 2
    assert youth.events.filter(kind="information").count() == 3


def test_a_state_ward_informs_the_tutor_and_the_family_council(world, referrer):
    ward = YouthFactory(ase_service=world["ase_service"], ward=True)
    assert rules.missing_information(ward) == ["le jeune", "le tuteur", "le conseil de famille"]
    with pytest.raises(ValidationError, match="n'a pas à être informée"):
        services.information_record(
            youth=ward,
            by=referrer,
            organisation=world["ase_service"],
            party="parent",
            recipient_name="Mme X",
            date=today(),
            method="meeting",
            given_by="M. Roux",
        )


def test_the_leaflet_is_the_departements_wording_in_a_pdf(world, referrer, client_for):
    settings = PathwaySettings.for_organisation(world["departement"])
    settings.leaflet_text = "## Bonjour\nUn mentor, c'est quelqu'un qui t'écoute.\n\nÀ bientôt."
    settings.save()
    response = client_for(referrer).get(reverse("youths:leaflet_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert pdf.leaflet_blocks(settings.leaflet_text) == [
        ("h", "Bonjour"),
        ("p", "Un mentor, c'est quelqu'un qui t'écoute."),
        ("p", "À bientôt."),
    ]
