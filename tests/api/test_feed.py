"""The change feed hears the changes a client can read: the pair's counts and colour (written with
update() by the services) and the youth's profile as each orientation shows it."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Role
from binome.api import feed
from binome.api.models import ChangeEvent
from binome.mentorships import services
from binome.mentorships.models import Mentorship
from binome.references.models import ReferenceKind
from binome.youths import services as youth_services
from binome.youths.models import ReferralState
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.mentorships.factories import active_pair, log_meeting
from tests.youths.factories import ReferralFactory, YouthFactory, reference


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    monkeypatch.setattr(feed, "EVENTS_SETTLE", datetime.timedelta(0))


@pytest.fixture
def feeds(world, api_for):
    """Both associations' feeds: feeds.new("association") → the events since the last call."""

    class Feeds:
        clients = {
            name: api_for(world[name], ["pairs:read"]) for name in ("association", "other_association")
        }
        cursors = {}

        def new(self, name):
            client = self.clients[name]
            page = client.get(f"/api/v1/events/?after={self.cursors.get(name, '0')}").json()
            self.cursors[name] = page["next"]
            return [(e["kind"], e["object_id"]) for e in page["events"]]

        def start(self):
            for name in self.clients:
                self.new(name)

    return Feeds()


@pytest.fixture
def pair(world, member):
    return active_pair(world, member(Role.COORDINATOR))


# --- Pairs ----------------------------------------------------------------------------------------------


def test_recording_a_meeting_is_one_pair_event(world, pair, feeds):
    feeds.start()
    before = Mentorship.objects.values("meetings_in_person", "updated_at").get(pk=pair.pk)
    assert before["meetings_in_person"] == 0
    log_meeting(pair, 0)
    after = Mentorship.objects.values("meetings_in_person", "updated_at").get(pk=pair.pk)
    assert after["meetings_in_person"] == 1
    # The pair as read through the API moved: its updated_at says so too.
    assert after["updated_at"] > before["updated_at"]
    assert feeds.new("association") == [("pair", str(pair.pk))]
    assert feeds.new("other_association") == []


def test_planning_a_meeting_changes_nothing_shown_and_records_nothing(world, pair, feeds):
    log_meeting(pair, 0)
    feeds.start()
    services.meeting_save(
        mentorship=pair,
        at=timezone.now() + datetime.timedelta(days=3),
        status="planned",
        modality="remote",
    )
    assert Mentorship.objects.get(pk=pair.pk).meetings_remote == 0
    assert feeds.new("association") == []


def test_the_colour_turning_with_time_is_one_pair_event(world, pair, feeds):
    feeds.start()
    colour = Mentorship.objects.get(pk=pair.pk).colour
    services.refresh_all_follow_ups(now=timezone.now() + datetime.timedelta(days=120))
    assert Mentorship.objects.get(pk=pair.pk).colour not in (colour, "")
    assert feeds.new("association") == [("pair", str(pair.pk))]
    assert feeds.new("other_association") == []
    # Nothing changed since: the next night records nothing.
    services.refresh_all_follow_ups(now=timezone.now() + datetime.timedelta(days=120))
    assert feeds.new("association") == []


def test_a_concern_is_one_pair_event(world, pair, feeds):
    feeds.start()
    services.concern_raise(mentorship=pair, message="Absences répétées.", by_mentor=True)
    stored = Mentorship.objects.get(pk=pair.pk)
    assert (stored.colour, stored.concern_open) == ("red", True)
    assert feeds.new("association") == [("pair", str(pair.pk))]
    assert feeds.new("other_association") == []


def test_two_operations_are_two_events(world, pair, feeds):
    feeds.start()
    log_meeting(pair, 0)
    log_meeting(pair, 0, modality="remote")
    assert feeds.new("association") == [("pair", str(pair.pk))] * 2


def test_a_rolled_back_operation_leaves_no_event_and_does_not_hide_the_next(world, pair, feeds):
    feeds.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        log_meeting(pair, 0)
        raise RuntimeError
    assert feeds.new("association") == []
    log_meeting(pair, 0)
    assert feeds.new("association") == [("pair", str(pair.pk))]


# --- Youths: the orientation shows their profile -------------------------------------------------------


def edit(youth, world, member, objectives=None, **values):
    for name, value in values.items():
        setattr(youth, name, value)
    youth_services.youth_save(
        youth=youth, objectives=objectives, by=member(Role.REFERRER), organisation=world["ase_service"]
    )


@pytest.fixture
def routed(world):
    """A youth the other association once received (withdrawn), now routed to the first one."""
    youth = YouthFactory(ready=True, ase_service=world["ase_service"], first_name="Inès")
    ReferralFactory(youth=youth, state=ReferralState.WITHDRAWN, association=world["other_association"])
    return ReferralFactory(youth=youth, routed=True, association=world["association"])


def test_a_youth_edit_is_one_orientation_event_for_the_association_that_sees_it(world, member, routed, feeds):
    feeds.start()
    objective = reference(world["departement"], ReferenceKind.OBJECTIVE, "school_support")
    edit(routed.youth, world, member, objectives=[objective], first_name="Inès-Marie")
    assert list(routed.youth.objectives.all()) == [objective]
    assert feeds.new("association") == [("orientation", str(routed.pk))]
    assert feeds.new("other_association") == []


def test_objectives_alone_are_an_orientation_event(world, member, routed, feeds):
    feeds.start()
    objective = reference(world["departement"], ReferenceKind.OBJECTIVE, "school_support")
    edit(routed.youth, world, member, objectives=[objective])
    assert feeds.new("association") == [("orientation", str(routed.pk))]
    edit(routed.youth, world, member, objectives=[objective])
    assert feeds.new("association") == []


def test_what_a_semi_anonymous_orientation_hides_records_nothing_until_accepted(world, member, routed, feeds):
    feeds.start()
    edit(routed.youth, world, member, last_name="Autrenom", interests="Le dessin")
    assert feeds.new("association") == []
    # A birth date moved by a day, same age: the semi-anonymous profile shows the age only.
    youth = routed.youth
    edit(youth, world, member, birth_date=youth.birth_date - datetime.timedelta(days=1))
    assert feeds.new("association") == []
    routed.state, routed.accepted_at = ReferralState.ACCEPTED, timezone.now()
    routed.save()
    feeds.new("association")
    edit(routed.youth, world, member, last_name="Encoreunnom")
    assert feeds.new("association") == [("orientation", str(routed.pk))]
    assert feeds.new("other_association") == []


def test_the_services_bookkeeping_on_a_youth_records_nothing(world, member, routed, feeds):
    feeds.start()
    events = ChangeEvent.objects.count()
    youth = routed.youth
    youth.proposal_date = youth.proposal_date - datetime.timedelta(days=1)
    youth.save(update_fields=["proposal_date", "updated_at"])
    assert ChangeEvent.objects.count() == events


# --- With real commits, as in production (no test transaction around) ------------------------------------


def test_committed_operations_are_one_event_each(e2e_world, api_for):
    world = e2e_world
    coordinator = MembershipFactory(
        user=UserFactory(with_totp=True), organisation=world["association"], role=Role.COORDINATOR
    ).user
    pair = active_pair(world, coordinator)
    client = api_for(world["association"], ["pairs:read"])
    start = client.get("/api/v1/events/").json()["next"]
    # Each writes the pair two or three times: its next steps (a save), its counts, its colour.
    for modality in ("in_person", "remote"):
        services.meeting_save(
            mentorship=pair, at=timezone.now(), status="held", modality=modality, next_steps="Réviser"
        )
    services.concern_raise(mentorship=pair, message="Absences répétées.", by_mentor=True)
    stored = Mentorship.objects.get(pk=pair.pk)
    assert (stored.meetings_in_person, stored.meetings_remote, stored.colour) == (1, 1, "red")
    events = client.get(f"/api/v1/events/?after={start}").json()["events"]
    assert [(e["kind"], e["object_id"]) for e in events] == [("pair", str(pair.pk))] * 3
