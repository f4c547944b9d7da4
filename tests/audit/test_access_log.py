import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.audit.services import log_access


def test_reading_a_partner_record_is_logged_without_names(member, client_for, world):
    pilot = member(Role.PILOT)
    client_for(pilot).get(
        reverse("accounts:partner_detail", kwargs={"organisation_id": world["ase_service"].pk})
    )
    entry = AccessLog.objects.get(action="view")
    assert entry.user == pilot
    assert entry.organisation == world["departement"] and entry.departement == world["departement"]
    assert entry.object_type == "accounts.organisation" and entry.object_id == str(world["ase_service"].pk)


def test_pilot_sees_own_territory_only(member, client_for, world):
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    log_access(
        user=other_pilot,
        organisation=world["other_departement"],
        action="view",
        object_type="youths.youth",
        object_id="secret-b",
    )
    referrer = member(Role.REFERRER)
    log_access(
        user=referrer,
        organisation=world["ase_service"],
        action="view",
        object_type="youths.youth",
        object_id="visible-a",
    )
    page = client_for(member(Role.PILOT)).get(reverse("audit:access_log")).content.decode()
    assert "visible-a" in page and "secret-b" not in page


def test_association_entries_reach_the_departement_of_the_convention(member, world):
    manager = member(Role.MANAGER)
    entry = log_access(user=manager, organisation=world["association"], action="export", object_type="x")
    assert entry.departement == world["departement"]


def test_filters(member, client_for, world):
    user = member(Role.PILOT)
    log_access(
        user=user, organisation=world["departement"], action="export", object_type="x", object_id="exp-1"
    )
    log_access(
        user=user, organisation=world["departement"], action="view", object_type="x", object_id="vue-1"
    )
    page = client_for(user).get(reverse("audit:access_log"), {"action": "export"}).content.decode()
    assert "exp-1" in page and "vue-1" not in page


def test_purge_keeps_12_months(member, world):
    user = member(Role.PILOT)
    with freeze_time(timezone.now() - datetime.timedelta(days=400)):
        log_access(
            user=user, organisation=world["departement"], action="view", object_type="x", object_id="old"
        )
    log_access(user=user, organisation=world["departement"], action="view", object_type="x", object_id="new")
    call_command("purge_access_logs")
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == ["new"]


def test_nightly_purge_is_scheduled():
    from huey.contrib.djhuey import HUEY

    from binome.audit import tasks  # noqa: F401

    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert "nightly_purge_access_logs" in names
