"""Art. D.221-36: failing an association, the ASE service caring for the youth coordinates the mentoring.
The pilot routes the referral to the service; its referrers pair the youth with one of the service's
mentors vetted by the département, sign, launch, follow and close the pair as a coordinator would."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentors.models import Mentor
from binome.mentorships import services
from binome.mentorships.models import ClosureReason, Coordination, MentorshipState
from binome.youths.ase_coordination import referral_route_to_service
from binome.youths.models import EventKind, ReferralState
from tests.mentors.factories import MentorFactory
from tests.mentorships.factories import sign_all
from tests.youths.factories import ReferralFactory, YouthFactory


@pytest.fixture
def service_world(world, people):
    youth = YouthFactory(ready=True, ase_service=world["ase_service"])
    referral = ReferralFactory(youth=youth, submitted=True)
    mentor = MentorFactory(association=world["ase_service"], ready=True)
    return {"referral": referral, "mentor": mentor, "service": world["ase_service"]}


def _route(service_world, people):
    return referral_route_to_service(
        referral=service_world["referral"],
        by=people["pilot"],
        organisation=service_world["referral"].departement,
    )


def test_the_whole_flow_through_the_services(world, people, service_world, mailoutbox):
    service, referrer = service_world["service"], people["referrer"]
    referral = _route(service_world, people)
    assert (referral.state, referral.association) == (ReferralState.ACCEPTED, service)
    kinds = list(referral.youth.events.values_list("kind", flat=True))
    assert EventKind.REFERRAL_ROUTED in kinds and EventKind.REFERRAL_ACCEPTED in kinds
    told = [m for m in mailoutbox if "Mentorat confié à votre service" in m.subject]
    assert len(told) == 1 and referrer.email in told[0].to

    pair = services.mentorship_create(
        referral=referral, mentor=service_world["mentor"], by=referrer, organisation=service
    )
    assert (pair.coordination, pair.association, pair.coordinator) == (
        Coordination.ASE_SERVICE,
        service,
        referrer,
    )
    agreement = sign_all(pair, referrer)  # the service's staff record every party, as a coordinator would
    assert agreement.completed_at is not None
    services.mentorship_launch(
        mentorship=pair,
        by=referrer,
        organisation=service,
        held_at=timezone.now() - datetime.timedelta(minutes=5),
        objectives="Trouver un stage",
    )
    pair.refresh_from_db()
    assert pair.state == MentorshipState.ACTIVE
    services.contact_record(
        mentorship=pair,
        by=referrer,
        organisation=service,
        on=timezone.localdate(),
        channel="call",
        with_whom="mentor",
    )
    services.mentorship_close(
        mentorship=pair,
        by=referrer,
        organisation=service,
        reason=ClosureReason.YOUTH_DISENGAGED,
        objectives_reached="partly",
        mentor_may_rematch=True,
    )
    pair.refresh_from_db()
    assert pair.state == MentorshipState.CLOSED
    assert Mentor.objects.get(pk=service_world["mentor"].pk).current_pairs == 0


def test_after_closure_the_service_looks_for_a_new_mentor(world, people, service_world):
    from binome.youths.services import referral_rematch

    service, referrer = service_world["service"], people["referrer"]
    referral = _route(service_world, people)
    pair = services.mentorship_create(
        referral=referral, mentor=service_world["mentor"], by=referrer, organisation=service
    )
    services.mentorship_close(
        mentorship=pair,
        by=referrer,
        organisation=service,
        reason=ClosureReason.YOUTH_DISENGAGED,
        mentor_may_rematch=True,
    )
    referral = referral_rematch(referral=referral, by=referrer, organisation=service)
    assert (referral.state, referral.association) == (ReferralState.ACCEPTED, service)


def test_only_a_submitted_or_declined_referral_is_given_to_the_service(world, people):
    draft = ReferralFactory(youth=YouthFactory(ready=True, ase_service=world["ase_service"]))
    with pytest.raises(ValidationError, match="action impossible"):
        referral_route_to_service(referral=draft, by=people["pilot"], organisation=world["departement"])


def test_an_inactive_service_cannot_be_given_the_mentoring(world, people, service_world):
    world["ase_service"].is_active = False
    world["ase_service"].save()
    with pytest.raises(ValidationError, match="pas de service ASE actif"):
        _route(service_world, people)


def test_the_service_pairs_only_with_its_own_matchable_mentors(world, people, service_world):
    referral = _route(service_world, people)
    association_mentor = MentorFactory(association=world["association"], ready=True)
    with pytest.raises(ValidationError, match="n'appartient pas"):
        services.mentorship_create(
            referral=referral,
            mentor=association_mentor,
            by=people["referrer"],
            organisation=world["ase_service"],
        )
    unvetted = MentorFactory(association=world["ase_service"], stage="ready", trained=True)
    with pytest.raises(ValidationError):
        services.mentorship_create(
            referral=referral, mentor=unvetted, by=people["referrer"], organisation=world["ase_service"]
        )


def test_the_departement_vets_the_mentors_of_its_services(world, service_world):
    vetted = Mentor.objects.checked_by(world["departement"])
    assert service_world["mentor"] in vetted
    assert (
        not Mentor.objects.checked_by(world["other_departement"])
        .filter(pk=service_world["mentor"].pk)
        .exists()
    )


# --- Views and access --------------------------------------------------------------------------------


def test_the_pilot_gives_the_mentoring_to_the_service_from_the_routing_page(
    world, people, service_world, client_for
):
    client = client_for(people["pilot"])
    referral = service_world["referral"]
    page = client.get(reverse("youths:referral_route", kwargs={"referral_id": referral.pk})).content.decode()
    assert "Confier le mentorat à Service ASE A" in page
    response = client.post(reverse("youths:referral_route_to_service", kwargs={"referral_id": referral.pk}))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


@pytest.mark.parametrize("role", [Role.REFERRER, Role.COORDINATOR, Role.MANAGER, Role.VIEWER])
def test_only_the_pilot_routes_to_a_service(world, people, service_world, member, client_for, role):
    url = reverse("youths:referral_route_to_service", kwargs={"referral_id": service_world["referral"].pk})
    assert client_for(member(role)).post(url).status_code == 403


def test_another_departements_pilot_gets_a_404(world, people, service_world, member, client_for):
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    url = reverse("youths:referral_route_to_service", kwargs={"referral_id": service_world["referral"].pk})
    assert client_for(other_pilot).post(url).status_code == 404


def test_the_referrer_pairs_then_follows_the_pair_from_the_usual_pages(
    world, people, service_world, client_for
):
    referral = _route(service_world, people)
    client = client_for(people["referrer"])
    page = client.get(reverse("mentorships:service_pairing")).content.decode()
    assert service_world["mentor"].last_name in page and referral.youth.last_name in page
    url = reverse("mentorships:service_pair_create", kwargs={"referral_id": referral.pk})
    response = client.post(url, {f"{referral.pk}-mentor": str(service_world["mentor"].pk)})
    assert response.status_code == 302
    pair = referral.youth.mentorships.get()
    assert response["Location"] == reverse("mentorships:detail", kwargs={"mentorship_id": pair.pk})
    detail = client.get(response["Location"]).content.decode()
    # The coordinator's part: every party to sign, the contact form.
    assert "Mentor" in detail and 'name="with_whom"' in detail
    edit = reverse("mentorships:coordinator_change", kwargs={"mentorship_id": pair.pk})
    assert client.get(edit).status_code != 404


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Choisissez le mentor."),
        ("pas-un-uuid", "UUID valide"),
        ("other", "n'est pas disponible"),
    ],
)
def test_a_bad_mentor_choice_is_a_french_message_not_a_500(
    world, people, service_world, client_for, value, message
):
    referral = _route(service_world, people)
    client = client_for(people["referrer"])
    url = reverse("mentorships:service_pair_create", kwargs={"referral_id": referral.pk})
    if value == "other":
        value = str(MentorFactory(association=world["association"], ready=True).pk)
    response = client.post(url, {f"{referral.pk}-mentor": value})
    assert response.status_code == 302
    assert message in html.unescape(client.get(response["Location"]).content.decode())
    assert not referral.youth.mentorships.exists()


def test_a_referrer_still_cannot_manage_an_associations_pair(world, people, service_world, client_for):
    from tests.mentorships.factories import validated_pair

    pair = validated_pair(world, people["coordinator"])
    client = client_for(people["referrer"])
    url = reverse("mentorships:coordinator_change", kwargs={"mentorship_id": pair.pk})
    assert client.get(url).status_code == 404
    # They may sign the ASE side only.
    agreement = pair.agreements.get()
    assert services.parties_to_sign(agreement, Role.REFERRER, world["ase_service"]) == ["ase"]


def test_another_service_sees_nothing_of_the_pairing(world, people, service_world, client_for):
    referral = _route(service_world, people)
    client = client_for(people["other_referrer"])
    assert referral.youth.last_name not in client.get(reverse("mentorships:service_pairing")).content.decode()
    url = reverse("mentorships:service_pair_create", kwargs={"referral_id": referral.pk})
    assert client.post(url, {f"{referral.pk}-mentor": str(service_world["mentor"].pk)}).status_code == 404


@pytest.mark.parametrize("role", [Role.PILOT, Role.COORDINATOR, Role.MANAGER, Role.VIEWER])
def test_the_pairing_page_is_for_service_referrers_only(world, member, client_for, role):
    assert client_for(member(role)).get(reverse("mentorships:service_pairing")).status_code == 403
