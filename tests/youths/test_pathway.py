"""The pathway through the services: each step, its timeline event, its e-mails, decline, withdrawal, routing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.conventions.models import Convention, ConventionStatus
from binome.references.models import ReferenceKind
from binome.youths import services
from binome.youths.models import (
    ConsentKind,
    ConsentMethod,
    EventKind,
    LegalStatus,
    PathwaySettings,
    ProposalOutcome,
    ReferralState,
    Youth,
)
from binome.youths.routing import suggestions
from binome.youths.signals import pathway_stopped
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.youths.factories import (
    CommuneFactory,
    ConsentFactory,
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


@pytest.fixture
def pilot(member):
    return member(Role.PILOT)


@pytest.fixture
def manager(member):
    return member(Role.MANAGER)


def routed_referral(world, **youth_kwargs):
    return ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True, **youth_kwargs),
        routed=True,
        association=world["association"],
    )


def decline_reason(world, code="no_capacity"):
    return reference(world["departement"], ReferenceKind.DECLINE_REASON, code)


def named_youth(world, **kwargs):
    return YouthFactory(
        ase_service=world["ase_service"], ready=True, first_name="Maëlys", last_name="Roche", **kwargs
    )


def assert_no_name(mail):
    assert "Maëlys" not in mail.subject and "Roche" not in mail.subject


# --- The happy path ---------------------------------------------------------------------------------


def test_full_pathway_leaves_each_step_on_the_timeline_with_its_actor(world, referrer, pilot, manager):
    service, departement, association = world["ase_service"], world["departement"], world["association"]
    youth = services.youth_save(
        youth=Youth(
            departement=departement,
            ase_service=service,
            referrer=referrer,
            first_name="Inès",
            last_name="Benali",
            birth_date=years_ago(13),
            gender="f",
            legal_status=LegalStatus.PARENTS,
            authority_holders=1,
        ),
        objectives=[reference(departement, ReferenceKind.OBJECTIVE, "school_support")],
        by=referrer,
        organisation=service,
    )
    services.assessment_record(
        youth=youth,
        by=referrer,
        organisation=service,
        date=today() - datetime.timedelta(days=3),
        author_name="Mme Roux, éducatrice",
        conclusion="in_interest",
    )
    services.proposal_record(
        youth=youth, by=referrer, organisation=service, outcome=ProposalOutcome.ACCEPTED, date=today()
    )
    for kind, given_by in (
        (ConsentKind.YOUTH_ADHESION, "la jeune"),
        (ConsentKind.PARENT, "Mme Benali, mère"),
    ):
        services.consent_record(
            youth=youth,
            by=referrer,
            organisation=service,
            kind=kind,
            given_by=given_by,
            date=today(),
            method=ConsentMethod.ORAL if kind == ConsentKind.YOUTH_ADHESION else ConsentMethod.WRITTEN,
            document=None
            if kind == ConsentKind.YOUTH_ADHESION
            else ContentFile(b"%PDF-1.4", name="accord.pdf"),
        )
    referral = services.referral_create(youth=youth, by=referrer, organisation=service, message="Aime lire.")
    services.referral_submit(referral=referral, by=referrer, organisation=service)
    services.referral_route(referral=referral, association=association, by=pilot, organisation=departement)
    services.referral_accept(referral=referral, by=manager, organisation=association)

    referral.refresh_from_db()
    youth.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert referral.association == association
    assert youth.consents_complete
    timeline = list(youth.events.order_by("at", "id").values_list("kind", "actor", "organisation"))
    assert timeline == [
        (EventKind.CREATED, referrer.pk, service.pk),
        (EventKind.ASSESSMENT, referrer.pk, service.pk),
        (EventKind.PROPOSAL, referrer.pk, service.pk),
        (EventKind.CONSENT, referrer.pk, service.pk),
        (EventKind.CONSENT, referrer.pk, service.pk),
        (EventKind.REFERRAL_CREATED, referrer.pk, service.pk),
        (EventKind.REFERRAL_SUBMITTED, referrer.pk, service.pk),
        (EventKind.REFERRAL_ROUTED, pilot.pk, departement.pk),
        (EventKind.REFERRAL_ACCEPTED, manager.pk, association.pk),
    ]


def test_youth_save_fills_the_territory_from_the_commune(world, referrer):
    commune = CommuneFactory(insee_code="44109", name="Nantes")
    territory = TerritoryFactory(
        departement=world["departement"], name="Nantes Métropole", communes=[commune]
    )
    youth = services.youth_save(
        youth=YouthFactory.build(ase_service=world["ase_service"], commune=commune),
        by=referrer,
        organisation=world["ase_service"],
    )
    assert youth.territory == territory


def test_submission_notifies_the_pilots_without_naming_the_youth(world, referrer, pilot, mailoutbox):
    referral = ReferralFactory(youth=named_youth(world))
    services.referral_submit(referral=referral, by=referrer, organisation=world["ase_service"])
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED
    [mail] = mailoutbox
    assert mail.to == [pilot.email]
    assert "Nouvelle orientation à confier à une association" in mail.subject
    assert_no_name(mail)


# --- The gate: a state ward without the family council ------------------------------------------------


def ward_without_family_council(world):
    youth = YouthFactory(ase_service=world["ase_service"], ward=True, proposal_accepted=True, assessed=True)
    ConsentFactory(youth=youth, kind=ConsentKind.YOUTH_ADHESION)
    ConsentFactory(youth=youth, kind=ConsentKind.TUTOR, given_by="M. Martin, tuteur")
    return youth


def test_ward_without_family_council_cannot_be_submitted(world, referrer, mailoutbox):
    referral = ReferralFactory(youth=ward_without_family_council(world))
    with pytest.raises(ValidationError) as error:
        services.referral_submit(referral=referral, by=referrer, organisation=world["ase_service"])
    assert error.value.messages == ["Il manque l'accord du conseil de famille."]
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT
    assert not referral.youth.events.filter(kind=EventKind.REFERRAL_SUBMITTED).exists()
    assert mailoutbox == []


def test_ward_without_family_council_stays_a_draft_through_the_page(world, referrer, client_for):
    youth = ward_without_family_council(world)
    response = client_for(referrer).post(
        reverse("youths:referral_edit", args=[youth.pk]), {"message": "", "submit": "1"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Il manque l&#x27;accord du conseil de famille." in page
    assert "La fiche ne peut pas encore être transmise" in page
    [referral] = youth.referrals.all()
    assert referral.state == ReferralState.DRAFT


def test_ready_youth_is_submitted_through_the_page(world, referrer, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], ready=True)
    response = client_for(referrer).post(
        reverse("youths:referral_edit", args=[youth.pk]), {"message": "Aime le foot.", "submit": "1"}
    )
    assert response.status_code == 302
    [referral] = youth.referrals.all()
    assert referral.state == ReferralState.SUBMITTED
    assert referral.message == "Aime le foot."


# --- Decline -------------------------------------------------------------------------------------------


def test_decline_without_reason_is_refused(world, manager):
    referral = routed_referral(world)
    with pytest.raises(ValidationError) as error:
        services.referral_decline(
            referral=referral, by=manager, organisation=world["association"], reason=None
        )
    assert error.value.message_dict == {"reason": ["Le motif du refus est obligatoire."]}
    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED


def test_decline_for_another_reason_needs_a_comment(world, manager):
    referral = routed_referral(world)
    with pytest.raises(ValidationError) as error:
        services.referral_decline(
            referral=referral,
            by=manager,
            organisation=world["association"],
            reason=decline_reason(world, "other"),
            comment="  ",
        )
    assert error.value.message_dict == {"comment": ["Précisez le motif du refus."]}


def test_decline_page_without_reason_answers_422_in_french(world, manager, client_for):
    referral = routed_referral(world)
    response = client_for(manager).post(
        reverse("youths:received_decline", args=[referral.pk]), {"reason": ""}
    )
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED


def test_decline_returns_the_referral_to_the_routing_queue(world, manager, pilot, client_for):
    referral = routed_referral(world, first_name="Noé", last_name="Vasseur")
    services.referral_decline(
        referral=referral, by=manager, organisation=world["association"], reason=decline_reason(world)
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert list(referral.declined_by_associations.all()) == [world["association"]]
    event = referral.youth.events.get(kind=EventKind.REFERRAL_DECLINED)
    assert event.actor == manager and event.detail == "Association A : Plus de place disponible"
    page = client_for(pilot).get(reverse("youths:routing_queue")).content.decode()
    assert "Noé Vasseur" in page and "Refusée par Association A" in page


def test_an_association_that_declined_cannot_receive_the_referral_again(world, manager, pilot):
    referral = routed_referral(world)
    services.referral_decline(
        referral=referral, by=manager, organisation=world["association"], reason=decline_reason(world)
    )
    with pytest.raises(ValidationError) as error:
        services.referral_route(
            referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
        )
    assert error.value.message_dict == {"association": ["Cette association a déjà refusé cette orientation."]}
    [suggestion] = suggestions(referral)
    assert not suggestion.fits and "a déjà refusé cette orientation" in suggestion.reasons


def test_a_declined_referral_can_go_to_another_association(world, manager, pilot):
    second = AssociationFactory(name="Association C")
    ConventionFactory(departement=world["departement"], association=second)
    referral = routed_referral(world)
    services.referral_decline(
        referral=referral, by=manager, organisation=world["association"], reason=decline_reason(world)
    )
    services.referral_route(
        referral=referral, association=second, by=pilot, organisation=world["departement"]
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED and referral.association == second


def test_another_association_cannot_decline(world, member):
    outsider = member(Role.MANAGER, organisation=world["other_association"])
    referral = routed_referral(world)
    with pytest.raises(ValidationError):
        services.referral_decline(
            referral=referral,
            by=outsider,
            organisation=world["other_association"],
            reason=decline_reason(world),
        )
    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED


# --- E-mails: never the youth's name in a subject ------------------------------------------------------


def test_routing_emails_the_association_without_naming_the_youth(world, pilot, manager, mailoutbox):
    referral = ReferralFactory(youth=named_youth(world), submitted=True)
    services.referral_route(
        referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
    )
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert "Nouvelle orientation à examiner" in mail.subject
    assert_no_name(mail)
    assert reverse("youths:received_detail", args=[referral.pk]) in mail.body


def test_acceptance_emails_the_referrer_without_naming_the_youth(world, referrer, manager, mailoutbox):
    youth = named_youth(world, referrer=referrer)
    referral = ReferralFactory(youth=youth, routed=True, association=world["association"])
    services.referral_accept(referral=referral, by=manager, organisation=world["association"])
    [mail] = mailoutbox
    assert mail.to == [referrer.email]
    assert "Une orientation a été acceptée par une association" in mail.subject
    assert_no_name(mail)


def test_decline_emails_the_pilots_without_naming_the_youth(world, pilot, manager, mailoutbox):
    referral = ReferralFactory(youth=named_youth(world), routed=True, association=world["association"])
    services.referral_decline(
        referral=referral, by=manager, organisation=world["association"], reason=decline_reason(world)
    )
    [mail] = mailoutbox
    assert mail.to == [pilot.email]
    assert "Une orientation a été refusée et revient au département" in mail.subject
    assert_no_name(mail)


# --- Withdrawal of a consent -------------------------------------------------------------------------


def test_withdrawing_a_consent_withdraws_the_open_referral_and_stops_the_pathway(world, referrer):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True),
        accepted=True,
        association=world["association"],
    )
    received = []

    def listener(sender, youth, reason, by, **kwargs):
        received.append((youth.pk, reason, by))

    pathway_stopped.connect(listener, weak=False)
    try:
        consent = referral.youth.consents.get(kind=ConsentKind.YOUTH_ADHESION)
        services.consent_withdraw(
            consent=consent, by=referrer, organisation=world["ase_service"], note="Ne souhaite plus."
        )
    finally:
        pathway_stopped.disconnect(listener)

    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.withdrawal_reason.code == "consent_withdrawn"
    assert received == [(referral.youth_id, "consent_withdrawn", referrer)]
    youth = Youth.objects.get(pk=referral.youth_id)
    assert not youth.consents_complete
    assert youth.events.filter(kind=EventKind.CONSENT_WITHDRAWN, actor=referrer).exists()


def test_a_consent_cannot_be_withdrawn_twice(world, referrer):
    youth = YouthFactory(ase_service=world["ase_service"], ready=True)
    consent = youth.consents.first()
    services.consent_withdraw(consent=consent, by=referrer, organisation=world["ase_service"])
    with pytest.raises(ValidationError) as error:
        services.consent_withdraw(consent=consent, by=referrer, organisation=world["ase_service"])
    assert error.value.messages == ["Ce consentement est déjà retiré."]


# --- Routing --------------------------------------------------------------------------------------------


def test_routing_refuses_an_association_without_a_convention_with_the_departement(world, pilot):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    with pytest.raises(ValidationError) as error:
        services.referral_route(
            referral=referral,
            association=world["other_association"],
            by=pilot,
            organisation=world["departement"],
        )
    assert error.value.message_dict == {
        "association": ["Cette association n'a pas de convention en vigueur avec le département."]
    }
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED


def test_routing_refuses_an_association_whose_convention_has_ended(world, pilot):
    Convention.objects.filter(association=world["association"]).update(
        end_date=today() - datetime.timedelta(days=1), start_date=today() - datetime.timedelta(days=400)
    )
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    with pytest.raises(ValidationError):
        services.referral_route(
            referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
        )
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED


def test_routing_refuses_an_association_whose_convention_is_suspended(world, pilot):
    Convention.objects.filter(association=world["association"]).update(status=ConventionStatus.SUSPENDED)
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    with pytest.raises(ValidationError):
        services.referral_route(
            referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
        )


def test_a_draft_cannot_be_routed(world, pilot):
    referral = ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], ready=True))
    with pytest.raises(ValidationError) as error:
        services.referral_route(
            referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
        )
    assert error.value.messages == ["Cette orientation est « Brouillon » : action impossible."]


def test_pilot_routes_through_the_page(world, pilot, client_for):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    response = client_for(pilot).post(
        reverse("youths:referral_route", args=[referral.pk]), {"association": world["association"].pk}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED and not referral.routed_automatically


def test_the_route_page_does_not_offer_an_association_without_convention(world, pilot, client_for):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    response = client_for(pilot).post(
        reverse("youths:referral_route", args=[referral.pk]), {"association": world["other_association"].pk}
    )
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED


# --- Automatic routing ----------------------------------------------------------------------------------


@pytest.fixture
def auto_routing(world):
    PathwaySettings.objects.update_or_create(
        departement=world["departement"], defaults={"auto_routing": True}
    )


def test_auto_routing_sends_the_referral_to_the_fitting_association(
    world, referrer, member, auto_routing, mailoutbox
):
    commune = CommuneFactory(insee_code="44184", name="Saint-Nazaire")
    here = TerritoryFactory(departement=world["departement"], name="Presqu'île", communes=[commune])
    elsewhere = TerritoryFactory(departement=world["departement"], name="Vignoble")
    Convention.objects.get(association=world["association"]).territories.set([elsewhere])
    fitting = AssociationFactory(name="Association du littoral")
    ConventionFactory(departement=world["departement"], association=fitting).territories.set([here])
    member(Role.MANAGER)  # in the association that does not cover the territory
    fitting_coordinator = member(Role.COORDINATOR, organisation=fitting)
    youth = YouthFactory(ase_service=world["ase_service"], ready=True, commune=commune, territory=here)
    referral = ReferralFactory(youth=youth)

    services.referral_submit(referral=referral, by=referrer, organisation=world["ase_service"])

    referral.refresh_from_db()
    assert referral.state == ReferralState.ROUTED
    assert referral.association == fitting
    assert referral.routed_automatically
    event = youth.events.get(kind=EventKind.REFERRAL_ROUTED)
    assert event.actor is None and "automatiquement" in event.detail
    assert [m.to for m in mailoutbox] == [[fitting_coordinator.email]]


def test_auto_routing_stays_submitted_when_no_association_fits(
    world, referrer, pilot, auto_routing, mailoutbox
):
    Convention.objects.filter(association=world["association"]).update(age_min=16, age_max=20)
    referral = ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], ready=True))
    services.referral_submit(referral=referral, by=referrer, organisation=world["ase_service"])
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED
    assert referral.association is None
    assert [m.to for m in mailoutbox] == [[pilot.email]]


def test_without_auto_routing_a_fitting_association_still_waits_for_the_pilot(world, referrer):
    referral = ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], ready=True))
    services.referral_submit(referral=referral, by=referrer, organisation=world["ase_service"])
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED


# --- Proposal and archive stop an open referral -----------------------------------------------------------


def test_a_proposal_turned_down_withdraws_the_open_referral(world, referrer):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True), submitted=True
    )
    services.proposal_record(
        youth=referral.youth,
        by=referrer,
        organisation=world["ase_service"],
        outcome=ProposalOutcome.DECLINED_YOUTH,
        date=today(),
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.withdrawal_reason.code == "youth_changed_mind"


def test_a_postponed_proposal_needs_a_date(world, referrer):
    youth = YouthFactory(ase_service=world["ase_service"])
    with pytest.raises(ValidationError) as error:
        services.proposal_record(
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            outcome=ProposalOutcome.POSTPONED,
            date=today(),
        )
    assert error.value.message_dict == {
        "postponed_until": ["Indiquez jusqu'à quand la proposition est reportée."]
    }


def test_only_one_open_referral_per_youth(world, referrer):
    referral = ReferralFactory(youth=YouthFactory(ase_service=world["ase_service"], ready=True))
    with pytest.raises(ValidationError) as error:
        services.referral_create(youth=referral.youth, by=referrer, organisation=world["ase_service"])
    assert error.value.messages == ["Ce jeune a déjà une fiche d'orientation en cours."]


def test_an_assessment_against_mentoring_stops_the_open_referral(world, member):
    referrer = member(Role.REFERRER)
    referral = ReferralFactory(
        youth__departement=world["departement"],
        youth__ase_service=world["ase_service"],
        youth__ready=True,
        submitted=True,
    )
    services.assessment_record(
        youth=referral.youth,
        by=referrer,
        organisation=world["ase_service"],
        date=timezone.localdate(),
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
        services.referral_accept(referral=referral, by=manager, organisation=world["association"])
