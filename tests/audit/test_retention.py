import ast
import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from binome.audit.retention import ANONYMOUS, all_erasers, apply_retention
from binome.mentors.models import Mentor, MentorStage
from binome.mentorships import services as pair_services
from binome.mentorships.models import Mentorship, MentorshipState
from binome.surveys.models import SurveyAnswer, SurveyResponse
from binome.surveys.services import survey_answer
from binome.youths.models import Information, Referral, Youth, YouthEvent
from tests.mentors.factories import MentorFactory
from tests.mentorships.factories import active_pair
from tests.youths.factories import ConsentFactory, ReferralFactory, SituationAssessmentFactory, YouthFactory

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=800)
SECRET = "Secretissime"
PERSONS = ("youths.Youth", "mentors.Mentor")


def anonymised(report, model):
    return report.counts[model]


def age(youth):
    Youth.objects.filter(pk=youth.pk).update(archived_at=LONG_AGO)
    YouthEvent.objects.filter(youth=youth).update(at=LONG_AGO)


def old_archived_youth(world, **kwargs):
    youth = YouthFactory(
        departement=world["departement"], ase_service=world["ase_service"], notes="Très privé", **kwargs
    )
    age(youth)
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
    assert anonymised(apply_retention(now=NOW), "youths.Youth") == 1
    youth.refresh_from_db()
    consent.refresh_from_db()
    assert youth.first_name == ANONYMOUS and youth.last_name == "" and youth.notes == ""
    assert youth.birth_date == datetime.date(birth_year, 1, 1) and youth.commune is None
    assert youth.departement == world["departement"] and youth.anonymised_at is not None
    assert consent.given_by == ANONYMOUS and not consent.document
    assert not Youth.history.filter(id=youth.pk).exists()
    assert anonymised(apply_retention(now=NOW), "youths.Youth") == 0  # once


def test_the_referral_message_leaves_the_history_too(world):
    """The hole found in review: youths_historicalreferral kept the message of an anonymised youth."""
    youth = old_archived_youth(world)
    referral = ReferralFactory(youth=youth, message=f"{SECRET} : situation familiale")
    referral.decline_comment = "Complet"
    referral.save()
    assert Referral.history.filter(youth_id=youth.pk, message__contains=SECRET).count() == 2
    apply_retention(now=NOW)
    assert not Referral.history.filter(youth_id=youth.pk).exists()
    assert Referral.objects.get(pk=referral.pk).message == ""


def test_recent_activity_or_an_active_youth_is_kept(world):
    recent = old_archived_youth(world)
    YouthEvent.objects.create(youth=recent, kind="updated", at=NOW - datetime.timedelta(days=30))
    YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    assert anonymised(apply_retention(now=NOW), "youths.Youth") == 0


def test_mentors_who_left_long_ago_and_candidates_not_retained_are_anonymised(world):
    left = MentorFactory(association=world["association"], stage=MentorStage.LEFT, stage_since=LONG_AGO)
    refused = MentorFactory(
        association=world["association"],
        stage=MentorStage.NOT_RETAINED,
        stage_since=NOW - datetime.timedelta(days=200),
    )
    ready = MentorFactory(association=world["association"], ready=True, stage_since=LONG_AGO)
    assert anonymised(apply_retention(now=NOW), "mentors.Mentor") == 2
    for mentor in (left, refused):
        mentor.refresh_from_db()
        assert (
            mentor.first_name == ANONYMOUS and mentor.email.endswith("@invalid") and mentor.motivation == ""
        )
        assert not Mentor.history.filter(id=mentor.pk).exists()
    ready.refresh_from_db()
    assert ready.first_name != ANONYMOUS
    assert Mentor.objects.filter(anonymised_at__isnull=False).count() == 2


def test_dry_run_changes_nothing(world, capsys):
    youth = old_archived_youth(world)
    call_command("apply_retention", "--dry-run")
    assert "1 jeune et aucun mentor à anonymiser." in capsys.readouterr().out
    youth.refresh_from_db()
    assert youth.first_name != ANONYMOUS


def every_text_value():
    """(table, column, value) of every text-like column of every table, history included."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if _is_text(f)]
        for row in model._default_manager.values_list(*[f.attname for f in fields]) if fields else ():
            for f, value in zip(fields, row, strict=True):
                yield model._meta.db_table, f.name, str(value)


def _is_text(f):
    return isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)


def test_nothing_of_an_anonymised_youth_survives_anywhere(world, member):
    """A youth whose file went through every step, with a pair: after retention, no table holds its
    name or any of the free text written about it, history tables included."""
    coordinator = member("coordinator")
    youth = YouthFactory(
        ready=True, ase_service=world["ase_service"], first_name="Zéphyrine", notes=f"{SECRET} notes"
    )
    youth.interests = f"{SECRET} intérêts"
    youth.save()  # a history row with the name and the interests
    SituationAssessmentFactory(youth=youth, notes=SECRET, youth_opinion=SECRET, participants=SECRET)
    Information.objects.create(
        youth=youth,
        party="youth",
        recipient_name=SECRET,
        date=timezone.localdate(),
        method="meeting",
        given_by=SECRET,
    )
    pair = active_pair(world, coordinator, youth=youth)
    Referral.objects.filter(youth=youth).update(message=SECRET)
    for referral in Referral.objects.filter(youth=youth):
        referral.save()  # history rows with the message
    organisation = world["association"]
    pair_services.meeting_save(
        mentorship=pair,
        at=timezone.now(),
        status="held",
        modality="in_person",
        note=SECRET,
        next_steps=SECRET,
        by=coordinator,
        organisation=organisation,
    )
    pair_services.contact_record(
        mentorship=pair,
        by=coordinator,
        organisation=organisation,
        on=timezone.localdate(),
        channel="phone",
        with_whom="youth",
        note=SECRET,
    )
    concern = pair_services.concern_raise(
        mentorship=pair, message=SECRET, by=coordinator, organisation=organisation
    )
    pair_services.concern_resolve(
        concern=concern, by=coordinator, organisation=organisation, resolution=SECRET
    )
    pair_services.mentorship_close(
        mentorship=pair,
        by=coordinator,
        reason="youth_disengaged",
        organisation=organisation,
        objectives_reached="partly",
        mentor_may_rematch=True,
        comment=SECRET,
    )
    response = SurveyResponse.objects.filter(mentorship=pair).first()
    survey_answer(response=response, values=dict.fromkeys(response.questions, 3), comment=SECRET)
    SurveyAnswer.objects.filter(response=response).update(text=SECRET)
    Mentorship.objects.filter(pk=pair.pk).update(launch_objectives=SECRET)
    assert Mentorship.objects.get(pk=pair.pk).state == MentorshipState.CLOSED
    age(youth)

    before = [(t, c) for t, c, v in every_text_value() if SECRET in v or youth.last_name in v]
    assert len({t for t, _ in before}) >= 10  # the markers did reach the tables this test is about
    assert anonymised(apply_retention(now=NOW), "youths.Youth") == 1
    left = [
        (t, c) for t, c, v in every_text_value() if SECRET in v or youth.last_name in v or "Zéphyrine" in v
    ]
    assert left == []


def personal_models():
    """Every model that points, directly or through another such model, to a youth or a mentor, and
    the change-history copies of those (they hold the same fields)."""
    found = {apps.get_model(label) for label in PERSONS}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            points = any(
                f.is_relation and f.many_to_one and f.related_model in found for f in model._meta.fields
            )
            copies = getattr(model, "instance_type", None) in found
            if model not in found and (points or copies):
                found.add(model)
                grew = True
    return found


def test_every_text_field_about_a_person_is_handled_by_some_app():
    """A new model pointing to a youth or a mentor, or a new text field on one, fails here until an app's
    retention.py clears it, deletes its rows, or says why it keeps it."""
    handled = {}
    for e in all_erasers():
        for label, fields in e.clears.items():
            handled.setdefault(label, set()).update(fields)
        for label, reasons in e.keeps.items():
            handled.setdefault(label, set()).update(reasons)
        for label in e.deletes:
            handled[label] = {"*"}
    missing = []
    for model in personal_models():
        label = model._meta.label
        covered = handled.get(label, set())
        for f in model._meta.concrete_fields:
            free_text = _is_text(f) and not f.choices and f.name != "history_change_reason"
            if free_text and "*" not in covered and f.name not in covered:
                missing.append(f"{label}.{f.name}")
    assert sorted(missing) == []
    assert {"youths.HistoricalReferral", "mentorships.HistoricalMentorship"} <= set(handled)


def test_a_forgotten_field_would_be_caught():
    labels = {m._meta.label for m in personal_models()}
    assert {"youths.HistoricalReferral", "mentorships.Meeting", "surveys.SurveyAnswer"} <= labels
    assert "accounts.Organisation" not in labels and "mentorships.Activity" not in labels


def test_audit_imports_no_app_holding_the_data():
    """Retention lives with the data (issue 16): audit, a foundation app, imports none above it."""
    allowed = ("binome.audit", "binome.utils", "binome.accounts")
    imported = set()
    for path in Path(settings.BASE_DIR, "binome", "audit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert sorted(m for m in imported if m.startswith("binome") and not m.startswith(allowed)) == []
