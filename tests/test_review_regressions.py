"""Holes found by the security and data-protection review of 2026-11-23, each closed and pinned here."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.conventions.models import ConventionStatus
from binome.mentors import services as mentor_services
from binome.mentors.models import Mentor, MentorStage
from binome.youths import services as youth_services
from binome.youths.models import ConsentKind, ConsentMethod, ReferralState
from tests.accounts.factories import ConventionFactory
from tests.mentors.factories import HonorabilityCheckFactory, MentorFactory, TrainingSessionFactory
from tests.mentors.test_application import application, post
from tests.youths.factories import CommuneFactory, ReferralFactory, YouthFactory

TODAY = timezone.localdate


def test_a_draft_convention_gives_the_departement_no_reach(world, member, client_for):
    ConventionFactory(
        departement=world["departement"],
        association=world["other_association"],
        status=ConventionStatus.DRAFT,
    )
    mentor = MentorFactory(association=world["other_association"], vetting=True, trained=True)
    client = client_for(member(Role.PILOT))
    assert client.get(reverse("mentors:check_record", args=[mentor.pk])).status_code == 404
    partner = reverse("accounts:partner_detail", args=[world["other_association"].pk])
    assert client.get(partner).status_code == 404


def test_a_pilot_cannot_invite_into_an_association_that_has_a_manager(world, member, client_for):
    member(Role.MANAGER)
    client = client_for(member(Role.PILOT))
    url = reverse("accounts:partner_invite", args=[world["association"].pk])
    response = client.post(url, {"email": "quelquun@exemple.example", "role": Role.MANAGER})
    assert response.status_code == 422
    assert "déjà un·e responsable" in response.content.decode()


def test_a_pilot_cannot_invite_a_departement_account_into_a_partner(world, member, client_for):
    pilot = member(Role.PILOT)
    url = reverse("accounts:partner_invite", args=[world["association"].pk])
    response = client_for(pilot).post(url, {"email": pilot.email, "role": Role.MANAGER})
    assert response.status_code == 422


def test_only_the_requesting_departement_records_a_result(world, member):
    ConventionFactory(departement=world["departement"], association=world["other_association"])
    mentor = MentorFactory(association=world["other_association"], vetting=True, trained=True)
    check = HonorabilityCheckFactory(mentor=mentor, departement=world["other_departement"])
    with pytest.raises(ValidationError):
        mentor_services.check_result(
            check=check,
            result="compliant",
            result_on=TODAY(),
            by=member(Role.PILOT),
            departement=world["departement"],
        )


def test_a_failure_stands_until_a_later_request_comes_back_compliant(world, member):
    pilot = member(Role.PILOT)
    mentor = MentorFactory(
        association=world["association"], stage=MentorStage.IN_PAIR, trained=True, capacity=2, current_pairs=1
    )
    asked = TODAY() - datetime.timedelta(days=20)
    ok = HonorabilityCheckFactory(mentor=mentor, departement=world["departement"], requested_on=asked)
    mentor_services.check_result(check=ok, result="compliant", result_on=TODAY(), by=pilot)
    bad = HonorabilityCheckFactory(
        mentor=mentor, departement=world["departement"], requested_on=asked + datetime.timedelta(days=1)
    )
    mentor_services.check_result(
        check=bad, result="not_compliant", result_on=TODAY() - datetime.timedelta(days=3), by=pilot
    )
    assert not Mentor.objects.matchable().filter(pk=mentor.pk).exists()


def test_a_check_is_valid_one_year_at_most(world, member):
    mentor = MentorFactory(association=world["association"], vetting=True, trained=True)
    check = HonorabilityCheckFactory(mentor=mentor, departement=world["departement"])
    with pytest.raises(ValidationError):
        mentor_services.check_result(
            check=check,
            result="compliant",
            result_on=TODAY(),
            by=member(Role.PILOT),
            valid_until=datetime.date(2099, 12, 31),
        )


def test_changing_a_checked_mentors_identity_voids_the_clearance(world, member):
    manager = member(Role.MANAGER)
    mentor = MentorFactory(association=world["association"], ready=True)
    mentor.last_name = "Autre"
    mentor_services.mentor_save(mentor=mentor, by=manager, organisation=world["association"])
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING and mentor.honorability_valid_until is None
    assert not Mentor.objects.matchable().filter(pk=mentor.pk).exists()


def test_attendance_cannot_be_recorded_before_the_session(world, member):
    session = TrainingSessionFactory(
        association=world["association"], starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    with pytest.raises(ValidationError):
        mentor_services.training_attendance(session=session, attended_ids=set(), by=member(Role.MANAGER))


def test_a_parents_agreement_must_be_written(world, member):
    referrer = member(Role.REFERRER)
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    with pytest.raises(ValidationError):
        youth_services.consent_record(
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            kind=ConsentKind.PARENT,
            given_by="Mme Dupont, mère",
            date=TODAY(),
            method=ConsentMethod.ORAL,
        )


def test_the_same_parent_cannot_count_twice(world, member):
    referrer = member(Role.REFERRER)
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    for attempt in range(2):
        call = lambda: youth_services.consent_record(  # noqa: E731
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            kind=ConsentKind.PARENT,
            given_by="Mme Dupont,  mère",
            date=TODAY(),
            method=ConsentMethod.WRITTEN,
            document=ContentFile(b"%PDF-1.4", name="a.pdf"),
        )
        if attempt == 0:
            call()
        else:
            with pytest.raises(ValidationError):
                call()


def test_an_assessment_against_mentoring_stops_the_open_referral(world, member):
    referrer = member(Role.REFERRER)
    referral = ReferralFactory(
        youth__departement=world["departement"],
        youth__ase_service=world["ase_service"],
        youth__ready=True,
        submitted=True,
    )
    youth_services.assessment_record(
        youth=referral.youth,
        by=referrer,
        organisation=world["ase_service"],
        date=TODAY(),
        author_name="Mme X",
        conclusion="not_in_interest",
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN


def test_an_association_whose_convention_is_suspended_cannot_accept(world, member):
    manager = member(Role.MANAGER)
    referral = ReferralFactory(
        youth__departement=world["departement"],
        youth__ase_service=world["ase_service"],
        youth__ready=True,
        routed=True,
        association=world["association"],
    )
    world["association"].conventions_as_association.update(status=ConventionStatus.SUSPENDED)
    with pytest.raises(ValidationError):
        youth_services.referral_accept(referral=referral, by=manager, organisation=world["association"])


def test_opening_the_edit_page_of_a_youth_is_logged(world, member, client_for):
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    client_for(member(Role.REFERRER)).get(reverse("youths:edit", args=[youth.pk]))
    assert AccessLog.objects.filter(action="view", object_id=str(youth.pk)).exists()


def test_a_name_search_never_appears_in_the_address(world, member, client_for):
    client = client_for(member(Role.REFERRER))
    response = client.post(reverse("youths:list"), {"q": "Dupuis"})
    assert response.status_code == 302 and "Dupuis" not in response["Location"]


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
