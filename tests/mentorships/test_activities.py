"""Collective activities: youths and mentors of the association's pairs register, attendance after."""

import datetime
import html

from django.urls import reverse
from django.utils import timezone

from binome.mentorships.models import Activity, ActivityRegistration
from tests.mentorships.factories import active_pair


def page(response):
    return html.unescape(response.content.decode())


def test_an_activity_with_registrations_then_attendance(world, people, client_for):
    pair = active_pair(world, people["coordinator"], started_days_ago=20)
    client = client_for(people["coordinator"])
    starts = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        reverse("mentorships:activity_create"),
        {
            "kind": "outing",
            "title": "Sortie au Voyage à Nantes",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "place": "Nantes",
            "capacity": "2",
            "description": "",
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("mentorships:activity_detail", args=[activity.pk])
    url = reverse("mentorships:activity_detail", args=[activity.pk])
    shown = page(client.get(url))
    assert f"{pair.youth.first_name} {pair.youth.last_name} (jeune)" in shown
    client.post(url, {"register": "1", "person": [f"y:{pair.youth_id}", f"m:{pair.mentor_id}"]})
    assert ActivityRegistration.objects.filter(activity=activity).count() == 2
    response = client.post(url, {"attendance": "1", "attended": []}, follow=True)
    assert "pas encore eu lieu" in page(response)
    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    youth_registration = activity.registrations.get(youth=pair.youth)
    client.post(url, {"attendance": "1", "attended": [str(youth_registration.pk)]})
    assert list(activity.registrations.order_by("youth").values_list("attended", flat=True)) != [None, None]
    youth_registration.refresh_from_db()
    assert youth_registration.attended is True
    assert activity.registrations.get(mentor=pair.mentor).attended is False
    assert "1 présent sur 2 inscrits" in page(client.get(reverse("mentorships:activity_list")))


def test_someone_outside_the_associations_pairs_cannot_be_registered(world, people, client_for):
    active_pair(world, people["coordinator"])
    activity = Activity.objects.create(
        association=world["association"], kind="workshop", title="Atelier CV", starts_at=timezone.now()
    )
    other = Activity.objects.create(
        association=world["other_association"], kind="workshop", title="Autre", starts_at=timezone.now()
    )
    client = client_for(people["coordinator"])
    url = reverse("mentorships:activity_detail", args=[activity.pk])
    response = client.post(
        url, {"register": "1", "person": ["y:00000000-0000-0000-0000-000000000000"]}, follow=True
    )
    assert "Choisissez au moins une personne" in page(response)
    assert client.get(reverse("mentorships:activity_detail", args=[other.pk])).status_code == 404
    assert client_for(people["referrer"]).get(reverse("mentorships:activity_list")).status_code == 403
