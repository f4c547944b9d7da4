import datetime
from collections import Counter

from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, User
from binome.audit.models import AccessLog
from binome.conventions.models import Convention
from binome.demo.builders import DEMO_PASSWORD, PEOPLE
from binome.mentors.honorability import checks_to_do
from binome.mentors.models import (
    CheckResult,
    HonorabilityCheck,
    Mentor,
    MentorEvent,
    MentorStage,
    TrainingModule,
    TrainingRegistration,
    TrainingSession,
)
from binome.mentors.reminders import send_mentor_reminders
from binome.mentors.services import stale_before
from binome.territories.models import Commune, Territory
from binome.youths import rules
from binome.youths.models import (
    Consent,
    LegalStatus,
    ProposalOutcome,
    Referral,
    ReferralState,
    Youth,
    YouthEvent,
)
from binome.youths.queries import blocked_files, next_step, with_referral
from binome.youths.routing import suggestions


def counts():
    models = (Organisation, Convention, Membership, User, Commune, Territory)
    youth_models = (Youth, Referral, Consent, YouthEvent, AccessLog)
    mentor_models = (
        Mentor,
        HonorabilityCheck,
        TrainingModule,
        TrainingSession,
        TrainingRegistration,
        MentorEvent,
    )
    from binome.reporting.models import AssociationReport, ReportingPeriod, ReportRevision

    reporting_models = (ReportingPeriod, AssociationReport, ReportRevision)
    return [m.objects.count() for m in (*models, *youth_models, *mentor_models, *reporting_models)]


def assert_reporting_in_every_status(departement):
    from binome.reporting.models import AssociationReport, ReportRevision

    reports = AssociationReport.objects.filter(period__departement=departement).select_related("period")
    assert reports.values("period").distinct().count() == 3
    # Late whatever the day (a month two months back); a report of last month or last quarter may still
    # be before its due date early in the month.
    assert {"submitted", "late"} <= {report.status() for report in reports}
    assert reports.filter(current_revision=0, started_at__isnull=False).exists()  # started, not sent
    assert reports.filter(current_revision=0, started_at__isnull=True).exists()  # not started
    assert ReportRevision.objects.filter(number=2).exists()  # a correction
    # Les Passeurs d'Avenir report by quarter, before the 15th: one report among the three months, for
    # the quarter ending in one of them; the two others report every month before the 5th.
    [quarterly] = reports.filter(association__name="Les Passeurs d'Avenir")
    assert quarterly.period.month.month in (3, 6, 9, 12)
    assert len(quarterly.months_covered) == 3 and quarterly.due_on.day == 15
    monthly = reports.exclude(pk=quarterly.pk)
    assert monthly.count() == 6 and {(r.is_quarterly, r.due_on.day) for r in monthly} == {(False, 5)}


# The hashers of the real settings: on SQLite the demo comes from the snapshot, hashed by them.
REAL_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


def assert_demo_passwords():
    """Every demo account opens with the password the README gives."""
    with override_settings(PASSWORD_HASHERS=REAL_HASHERS):
        for email, *_rest in PEOPLE:
            assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email


def assert_believable_demo():
    """The whole demo: organisations, youths, mentors, reporting, accounts."""
    assert_believable_organisations()
    departement = Organisation.objects.departements().get()
    assert_youths_at_every_stage(departement)
    assert_backdated_and_routed(departement)
    assert_mentors_at_every_stage(departement)
    assert_reporting_in_every_status(departement)
    assert_demo_passwords()


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def assert_believable_organisations():
    assert Organisation.objects.departements().count() == 1
    assert Organisation.objects.associations().count() == 3
    assert Organisation.objects.ase_services().count() == 6
    assert Organisation.objects.ase_services().filter(name="Service ASE — Délégation Nantes").exists()
    assert Convention.objects.current().count() == 3
    assert Commune.objects.filter(departement_code="44").count() > 200
    assert Commune.objects.get(insee_code="44109").name == "Nantes"
    assert all(t.communes.exists() for t in Territory.objects.all())
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"pilot", "viewer", "manager", "coordinator", "referrer"}
    assert User.objects.filter(is_staff=True).exists()


def assert_youths_at_every_stage(departement):
    youths = Youth.objects.filter(departement=departement)
    assert 250 <= youths.count() <= 350
    assert set(youths.values_list("ase_service", flat=True)) == set(
        Organisation.objects.ase_services().values_list("pk", flat=True)
    )
    assert youths.filter(commune__name="Nantes").count() > youths.filter(commune__name="Rezé").count() > 0
    assert youths.filter(referrer__email="referent.nantes@cd44.example").exists()

    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values)
    steps = {next_step(youth).label.split(" au ")[0] for youth in with_referral(youths)}
    assert steps >= {
        "Pas encore éligible (âge)",
        "Mentorat à proposer",
        "Proposition reportée",
        "Évaluation de situation à faire ou renouveler",
        "Consentements à recueillir",
        "Orientation à transmettre",
        "En attente d'orientation par le département",
        "En attente de la réponse de l'association",
        "Acceptée, en attente de binôme",
        "Refusée par l'association, à réorienter",
        "Sorti du dispositif",
    }
    waiting_wards = youths.filter(
        legal_status=LegalStatus.WARD, proposal_outcome=ProposalOutcome.ACCEPTED, consents_complete=False
    )
    assert any(
        "l'accord du conseil de famille" in rules.youth_missing_consents(youth) for youth in waiting_wards
    )


def assert_backdated_and_routed(departement):
    now = timezone.now()
    reasons = " | ".join(blocked.reason for blocked in blocked_files(departement))
    assert "Pas de réponse" in reasons  # routed more than 7 days ago
    assert "toujours sans binôme" in reasons  # accepted more than 30 days ago
    assert Referral.objects.filter(state=ReferralState.ROUTED, routed_at__gt=now - datetime.timedelta(days=7))
    assert YouthEvent.objects.filter(at__lt=now - datetime.timedelta(days=180)).exists()
    for referral in Referral.objects.filter(state=ReferralState.ACCEPTED):
        assert (
            referral.created_at <= referral.submitted_at <= referral.routed_at <= referral.accepted_at <= now
        )
    # The conventions' scopes differ: the routing does not suggest the same associations for every youth.
    submitted = Referral.objects.filter(state=ReferralState.SUBMITTED)
    assert len({tuple(s.association.pk for s in suggestions(r) if s.fits) for r in submitted}) > 1


def assert_mentors_at_every_stage(departement):
    today = timezone.localdate()
    mentors = Mentor.objects.filter(association__conventions_as_association__departement=departement)
    sizes = dict(mentors.values_list("association__name").annotate(n=Count("pk")))
    # The pipeline's mentors, plus the mentors of the demo pairs (binome/demo/pairs.py).
    assert 35 <= sizes["Tremplin Mentorat Atlantique"] <= 75
    assert 20 <= sizes["Les Passeurs d'Avenir"] <= 50
    assert 10 <= sizes["Cap Mentor Estuaire"] <= 30
    # Every stage but « en binôme »: the matching issue makes the pairs.
    assert set(mentors.values_list("stage", flat=True)) == set(MentorStage.values)
    assert not mentors.exclude(email__endswith="@mentor.example").exists()
    assert mentors.filter(commune__name="Nantes").count() > mentors.filter(commune__name="Rezé").count()
    assert mentors.filter(commune__name="Saint-Nazaire").exists()
    assert not mentors.filter(stage=MentorStage.READY).exclude(training_complete=True).exists()
    closed = mentors.filter(stage__in=[MentorStage.LEFT, MentorStage.NOT_RETAINED, MentorStage.PAUSED])
    assert not closed.filter(stage_reason="").exists()

    # Some are matchable today, in every association; the expired check is not.
    matchable = Mentor.objects.matchable()
    assert matchable.count() >= 20
    assert matchable.values("association").distinct().count() == 3
    active = mentors.exclude(stage__in=[MentorStage.LEFT, MentorStage.NOT_RETAINED])

    def expiring(first, last):
        return active.filter(
            honorability_valid_until__gte=today + datetime.timedelta(days=first),
            honorability_valid_until__lte=today + datetime.timedelta(days=last),
        )

    assert expiring(0, 30).count() >= 2
    assert expiring(31, 60).count() >= 2
    expired = active.get(honorability_valid_until__lt=today)
    assert expired.stage == MentorStage.READY
    assert not matchable.filter(pk=expired.pk).exists()

    # The pilot's « Honorabilité » page: first checks (asked or not yet), renewals, the expired one.
    todo = checks_to_do(departement)
    reasons = Counter((item.reason, item.pending is not None) for item in todo)
    assert reasons[("Premier contrôle", False)] and reasons[("Premier contrôle", True)]
    assert reasons[("Renouvellement annuel", False)] and reasons[("Renouvellement annuel", True)]
    assert reasons[("Contrôle échu", False)] == 1
    assert any(not item.mentor.birth_place for item in todo)  # the B2 request needs it: to complete
    assert HonorabilityCheck.objects.filter(result=CheckResult.NOT_COMPLIANT).exists()

    # The services kept the denormalised fields; the backdating kept them consistent.
    now = timezone.now()
    for mentor in mentors.prefetch_related("checks", "events"):
        done = sorted(
            (c for c in mentor.checks.all() if c.result != CheckResult.PENDING), key=lambda c: c.result_on
        )
        latest = done[-1] if done else None
        expected = latest.valid_until if latest and latest.result == CheckResult.COMPLIANT else None
        assert mentor.honorability_valid_until == expected, mentor
        for check in done:
            assert check.requested_on <= check.result_on <= today
        events = sorted(mentor.events.all(), key=lambda e: (e.at, e.pk))
        assert mentor.created_at <= events[0].at and events[-1].at <= now
        last_move = [e for e in events if e.stage][-1]
        assert (last_move.stage, last_move.at) == (mentor.stage, mentor.stage_since), mentor
    assert MentorEvent.objects.filter(at__lt=now - datetime.timedelta(days=365)).exists()
    waiting = mentors.filter(stage=MentorStage.CANDIDATE)
    for association in Organisation.objects.associations():
        assert waiting.filter(association=association, stage_since__lt=stale_before(association)).exists()
        assert waiting.filter(association=association, stage_since__gte=stale_before(association)).exists()

    # Training: two required modules and an optional one, past sessions with attendance, one to come.
    modules = TrainingModule.objects.filter(association__in=Organisation.objects.associations())
    assert Counter(modules.values_list("name", "required_before_matching")) == {
        ("Posture du mentor", True): 3,
        ("Protection de l'enfance et ASE", True): 3,
        ("Accompagner la scolarité", False): 3,
    }
    upcoming = TrainingSession.objects.filter(starts_at__gt=now)
    assert upcoming.count() == 3
    assert set(
        TrainingRegistration.objects.filter(session__in=upcoming).values_list("attended", flat=True)
    ) == {None}
    past = TrainingRegistration.objects.filter(session__starts_at__lt=now)
    assert past.filter(attended=True).exists() and past.filter(attended=False).exists()
    assert not past.filter(attended=None).exists()


def test_seed_demo_builds_a_believable_departement_and_is_idempotent(db):
    seed()
    first = counts()
    assert_believable_demo()
    seed()
    assert counts() == first
    # The demo's past sent nothing; today's reminders have checks expiring within 60 and 30 days.
    assert mail.outbox == []
    assert send_mentor_reminders() >= 2
    bodies = " ".join(message.body for message in mail.outbox)
    assert "expire dans moins de 30 jours" in bodies
    assert "expire dans moins de 60 jours" in bodies
