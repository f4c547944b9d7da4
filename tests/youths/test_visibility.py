"""Who may open a youth's record: another organisation's id is a 404; the association sees a
semi-anonymised profile until it accepts, and never the ASE's internal notes."""

import datetime

import pytest
from django.urls import reverse

from binome.accounts.models import Role
from binome.references.models import ReferenceKind
from binome.utils.choices import Modality
from binome.youths import services
from binome.youths.models import YouthEvent
from tests.accounts.factories import AseServiceFactory
from tests.youths.factories import ReferralFactory, TerritoryFactory, YouthFactory, reference, years_ago

BIRTH_DATE = years_ago(14, days=40)


@pytest.fixture
def youth(world):
    return YouthFactory(
        ase_service=world["ase_service"],
        ready=True,
        first_name="Lina",
        last_name="Kowalczyk",
        birth_date=BIRTH_DATE,
        notes="Suivi psychologique hebdomadaire",
        modality=Modality.REMOTE,
        territory=TerritoryFactory(departement=world["departement"], name="Pays de Retz"),
        objectives=[reference(world["departement"], ReferenceKind.OBJECTIVE, "school_support")],
    )


@pytest.fixture
def referral(world, youth):
    return ReferralFactory(
        youth=youth, routed=True, association=world["association"], message="Le père vient de déménager."
    )


def detail(client, youth):
    return client.get(reverse("youths:detail", args=[youth.pk]))


# --- The youth's record -------------------------------------------------------------------------------


def test_the_referrer_of_the_service_opens_the_record(member, client_for, youth):
    response = detail(client_for(member(Role.REFERRER)), youth)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lina Kowalczyk" in page and "Suivi psychologique hebdomadaire" in page


def test_the_pilot_of_the_departement_opens_the_record(member, client_for, youth):
    assert detail(client_for(member(Role.PILOT)), youth).status_code == 200


def test_a_referrer_of_another_service_of_the_same_departement_gets_404(world, member, client_for, youth):
    other_service = AseServiceFactory(departement=world["departement"], name="Service ASE Sud")
    assert detail(client_for(member(Role.REFERRER, organisation=other_service)), youth).status_code == 404


def test_a_referrer_of_another_departement_gets_404(world, member, client_for, youth):
    outsider = member(Role.REFERRER, organisation=world["other_ase_service"])
    assert detail(client_for(outsider), youth).status_code == 404


def test_a_pilot_of_another_departement_gets_404(world, member, client_for, youth):
    outsider = member(Role.PILOT, organisation=world["other_departement"])
    assert detail(client_for(outsider), youth).status_code == 404


def test_a_departement_viewer_is_refused_youth_pages(member, client_for, youth):
    viewer = client_for(member(Role.VIEWER))
    assert detail(viewer, youth).status_code == 403
    assert viewer.get(reverse("youths:list")).status_code == 403


def test_the_association_reads_the_record_only_through_its_referral(member, client_for, referral):
    assert detail(client_for(member(Role.MANAGER)), referral.youth).status_code == 403


def test_other_pages_of_the_youth_answer_404_to_another_service(world, member, client_for, youth):
    outsider = client_for(member(Role.REFERRER, organisation=world["other_ase_service"]))
    for name in ("youths:edit", "youths:assessment_add", "youths:consent_add", "youths:referral_edit"):
        assert outsider.get(reverse(name, args=[youth.pk])).status_code == 404, name


def test_viewing_a_record_is_logged(member, client_for, youth):
    from binome.audit.models import AccessLog

    pilot = member(Role.PILOT)
    detail(client_for(pilot), youth)
    assert AccessLog.objects.filter(
        user=pilot, action="view", object_type="youths.youth", object_id=str(youth.pk)
    ).exists()


# --- What the association sees ------------------------------------------------------------------------


def received(client, referral):
    return client.get(reverse("youths:received_detail", args=[referral.pk]))


def test_before_accepting_the_association_sees_a_semi_anonymised_profile(member, client_for, referral):
    response = received(client_for(member(Role.COORDINATOR)), referral)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Lina", "14 ans", "Pays de Retz", "Soutien scolaire", "À distance"):
        assert shown in page, shown
    for hidden in (
        "Kowalczyk",
        f"{BIRTH_DATE:%d/%m/%Y}",
        "Suivi psychologique hebdomadaire",
        "Le père vient de déménager.",
    ):
        assert hidden not in page, hidden


def test_after_accepting_the_association_sees_the_last_name_and_message(world, member, client_for, referral):
    manager = member(Role.MANAGER)
    services.referral_accept(referral=referral, by=manager, organisation=world["association"])
    page = received(client_for(manager), referral).content.decode()
    assert "Lina Kowalczyk" in page
    assert f"{BIRTH_DATE:%d/%m/%Y}" in page
    assert "Le père vient de déménager." in page


def test_the_association_never_sees_the_internal_notes(world, member, client_for, referral):
    manager = member(Role.MANAGER)
    services.referral_accept(referral=referral, by=manager, organisation=world["association"])
    assert "Suivi psychologique hebdomadaire" not in received(client_for(manager), referral).content.decode()


def test_accepting_through_the_page_reveals_the_full_profile(member, client_for, referral):
    client = client_for(member(Role.MANAGER))
    response = client.post(reverse("youths:received_accept", args=[referral.pk]), follow=True)
    page = response.content.decode()
    assert "Orientation acceptée : le profil complet du jeune est maintenant visible." in page
    assert "Lina Kowalczyk" in page


def test_the_inbox_names_only_the_first_name_before_acceptance(member, client_for, referral):
    page = client_for(member(Role.MANAGER)).get(reverse("youths:inbox")).content.decode()
    assert "Lina" in page and "Kowalczyk" not in page


def test_another_association_gets_404_on_the_referral(world, member, client_for, referral):
    outsider = member(Role.MANAGER, organisation=world["other_association"])
    assert received(client_for(outsider), referral).status_code == 404


def test_another_association_cannot_accept_the_referral(world, member, client_for, referral):
    outsider = member(Role.MANAGER, organisation=world["other_association"])
    response = client_for(outsider).post(reverse("youths:received_accept", args=[referral.pk]))
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.state == "routed"


def test_the_association_does_not_see_a_referral_not_yet_routed_to_it(world, member, client_for, youth):
    referral = ReferralFactory(youth=youth, submitted=True)
    assert received(client_for(member(Role.MANAGER)), referral).status_code == 404


def test_the_association_loses_sight_of_a_referral_it_declined(world, member, client_for, referral):
    manager = member(Role.MANAGER)
    services.referral_decline(
        referral=referral,
        by=manager,
        organisation=world["association"],
        reason=reference(world["departement"], ReferenceKind.DECLINE_REASON, "no_capacity"),
    )
    assert received(client_for(manager), referral).status_code == 404


def test_the_association_does_not_see_internal_events(member, client_for, referral):
    services.record_event(referral.youth, "updated", detail="Changement de lieu d'accueil à Rezé")
    services.record_event(
        referral.youth,
        "referral_routed",
        detail="Vers Association A (par le département)",
        visible_to_association=True,
    )
    page = received(client_for(member(Role.MANAGER)), referral).content.decode()
    assert "Vers Association A (par le département)" in page
    assert "Rezé" not in page


def test_the_association_does_not_see_events_before_the_routing(member, client_for, referral):
    YouthEvent.objects.create(
        youth=referral.youth,
        kind="referral_withdrawn",
        at=referral.routed_at - datetime.timedelta(days=30),
        detail="Ancienne orientation vers Association Z",
        visible_to_association=True,
    )
    page = received(client_for(member(Role.MANAGER)), referral).content.decode()
    assert "Association Z" not in page
