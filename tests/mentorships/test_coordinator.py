"""Handing a pair to another manager or coordinator of its association."""

import html

from django.urls import reverse

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.mentorships import services
from binome.mentorships.models import ClosureReason
from tests.mentorships.factories import active_pair


def test_the_manager_hands_the_pair_to_the_other_coordinator(world, people, member, client_for):
    mentorship = active_pair(world, people["coordinator"])
    colleague = member(Role.COORDINATOR)
    url = reverse("mentorships:coordinator_change", args=[mentorship.pk])
    client = client_for(people["manager"])
    page = html.unescape(client.get(url).content.decode())
    offered = {
        people["coordinator"].get_full_name(),
        people["manager"].get_full_name(),
        colleague.get_full_name(),
    }
    assert all(name in page for name in offered)
    assert people["other_coordinator"].get_full_name() not in page  # another association's
    response = client.post(url, {"coordinator": colleague.pk})
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.coordinator == colleague
    assert AccessLog.objects.filter(object_id=str(mentorship.pk), action="update").exists()
    detail = html.unescape(client.get(reverse("mentorships:detail", args=[mentorship.pk])).content.decode())
    assert colleague.get_full_name() in detail and "changer" in detail


def test_someone_outside_the_association_cannot_be_chosen(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"])
    url = reverse("mentorships:coordinator_change", args=[mentorship.pk])
    response = client_for(people["manager"]).post(url, {"coordinator": people["other_coordinator"].pk})
    assert response.status_code == 422
    mentorship.refresh_from_db()
    assert mentorship.coordinator == people["coordinator"]


def test_only_the_associations_staff_may_change_it(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"])
    url = reverse("mentorships:coordinator_change", args=[mentorship.pk])
    # The referrer follows only the pairs their own service coordinates (art. D.221-36): not this one.
    assert client_for(people["referrer"]).get(url).status_code == 404
    assert client_for(people["pilot"]).get(url).status_code == 403
    assert client_for(people["other_coordinator"]).get(url).status_code == 404


def test_a_closed_pair_keeps_its_coordinator(world, people, client_for):
    mentorship = active_pair(world, people["coordinator"], started_days_ago=30)
    services.mentorship_close(
        mentorship=mentorship,
        by=people["coordinator"],
        reason=ClosureReason.PLANNED_END,
        objectives_reached="yes",
        mentor_may_rematch=True,
    )
    url = reverse("mentorships:coordinator_change", args=[mentorship.pk])
    response = client_for(people["manager"]).post(url, {"coordinator": people["manager"].pk})
    assert response.status_code == 422
    mentorship.refresh_from_db()
    assert mentorship.coordinator == people["coordinator"]
