import datetime

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from binome.audit.retention import ANONYMOUS, apply_retention
from binome.mentors.models import Mentor, MentorStage
from binome.youths.models import Youth, YouthEvent
from tests.mentors.factories import MentorFactory
from tests.youths.factories import ConsentFactory, YouthFactory

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=800)


def old_archived_youth(world, **kwargs):
    youth = YouthFactory(
        departement=world["departement"], ase_service=world["ase_service"], notes="Très privé", **kwargs
    )
    Youth.objects.filter(pk=youth.pk).update(archived_at=LONG_AGO)
    YouthEvent.objects.filter(youth=youth).update(at=LONG_AGO)
    return youth


def test_a_youth_out_of_the_scheme_for_two_years_is_anonymised(world):
    youth = old_archived_youth(world)
    consent = ConsentFactory(
        youth=youth,
        kind="parent",
        given_by="Mme Martin, mère",
        document=ContentFile(b"%PDF-1.4", name="scan.pdf"),
    )
    birth_year = youth.birth_date.year
    assert apply_retention(now=NOW).youths == 1
    youth.refresh_from_db()
    consent.refresh_from_db()
    assert youth.first_name == ANONYMOUS and youth.last_name == "" and youth.notes == ""
    assert youth.birth_date == datetime.date(birth_year, 1, 1) and youth.commune is None
    assert youth.departement == world["departement"] and youth.anonymised_at is not None
    assert consent.given_by == ANONYMOUS and not consent.document
    assert not Youth.history.filter(id=youth.pk).exists()
    assert apply_retention(now=NOW).youths == 0  # once


def test_recent_activity_or_an_active_youth_is_kept(world):
    recent = old_archived_youth(world)
    YouthEvent.objects.create(youth=recent, kind="updated", at=NOW - datetime.timedelta(days=30))
    YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    assert apply_retention(now=NOW).youths == 0


def test_mentors_who_left_long_ago_and_candidates_not_retained_are_anonymised(world):
    left = MentorFactory(association=world["association"], stage=MentorStage.LEFT, stage_since=LONG_AGO)
    refused = MentorFactory(
        association=world["association"],
        stage=MentorStage.NOT_RETAINED,
        stage_since=NOW - datetime.timedelta(days=200),
    )
    ready = MentorFactory(association=world["association"], ready=True, stage_since=LONG_AGO)
    assert apply_retention(now=NOW).mentors == 2
    for mentor in (left, refused):
        mentor.refresh_from_db()
        assert (
            mentor.first_name == ANONYMOUS and mentor.email.endswith("@invalid") and mentor.motivation == ""
        )
    ready.refresh_from_db()
    assert ready.first_name != ANONYMOUS
    assert Mentor.objects.filter(anonymised_at__isnull=False).count() == 2


def test_dry_run_changes_nothing(world, capsys):
    youth = old_archived_youth(world)
    call_command("apply_retention", "--dry-run")
    assert "1 jeune(s) et 0 mentor(s) à anonymiser" in capsys.readouterr().out
    youth.refresh_from_db()
    assert youth.first_name != ANONYMOUS
