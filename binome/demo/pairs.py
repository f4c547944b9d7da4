"""The demo's pairs: 18 months of history in every state and every follow-up colour.

Each pair has its own youth (referred, assessed, consented, routed and accepted through the youth
services, as `builders._Pathway` does) and its own mentor (trained and vetted), then goes through the
pair services: `mentorship_create`, signatures, launch, meetings, staff contacts, concerns, reviews,
amendments, closure with exit surveys, renewal, reopening. Every service is called with its planned past
date where it takes one; what the services stamp « now » (timelines, access log, history, created_at) is
moved back to the step's planned time with one UPDATE per table. E-mails are off. Keyed on the youth's
external id (« DEMO-B001 »…): a second run adds nothing.
"""

from __future__ import annotations

import bisect
import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.audit.models import AccessLog
from binome.demo.builders import (
    BOYS,
    DEMO_SCAN,
    GIRLS,
    INTERESTS,
    SERVICE_SHARES,
    SLOTS_LIKELY,
    SURNAMES,
    Step,
    YouthPlan,
    _birth_date,
    _consents,
    _objectives,
    _Pathway,
    _school_level,
)
from binome.demo.mentors import FIRST_NAMES, _staff
from binome.demo.mentors import SURNAMES as MENTOR_SURNAMES
from binome.mentors.models import CheckResult, HonorabilityCheck, Mentor, MentorEvent, MentorStage, Occupation
from binome.mentors.services import mentor_move
from binome.mentorships import services
from binome.mentorships.models import (
    Agreement,
    Closure,
    ClosureReason,
    Colour,
    Concern,
    FollowUpContact,
    Meeting,
    MentorAccess,
    Mentorship,
    Party,
    Review,
    Signature,
    SignatureMethod,
)
from binome.notifications import emails
from binome.references.models import ReferenceKind
from binome.surveys import services as survey_services
from binome.surveys.models import Respondent, SurveyResponse
from binome.utils.choices import Modality
from binome.utils.dates import one_year_after, years_before
from binome.youths import rules
from binome.youths import services as youth_services
from binome.youths.models import (
    AssessmentConclusion,
    Consent,
    EventKind,
    LegalStatus,
    ProposalOutcome,
    Referral,
    ReferralState,
    SituationAssessment,
    Youth,
    YouthEvent,
)

if TYPE_CHECKING:
    from binome.demo.world import DemoWorld

PAIRS_SEED = 44_0606
EXTERNAL_PREFIX = "DEMO-B"
MENTOR_DOMAIN = "mentor.example"  # as the mentors builder's; the « .b12 » suffix keeps them apart

# Stories per association, in the order of builders.ASSOCIATIONS.
STORIES = [
    {
        "agreement_new": 1,
        "agreement_soon": 1,
        "agreement_late": 1,
        "new_active": 1,
        "green": 6,
        "orange": 2,
        "red_silent": 2,
        "red_concern": 1,
        "review_overdue": 1,
        "reviewed": 1,
        "extended": 1,
        "reopened": 1,
        "renewed": 1,
        "closed_natural": 3,
        "closed_pair": 2,
        "closed_ase": 1,
        "closed_safety": 1,
    },
    {
        "agreement_new": 1,
        "agreement_late": 1,
        "green": 4,
        "orange": 1,
        "red_silent": 1,
        "reviewed": 1,
        "renewed": 1,
        "closed_natural": 1,
        "closed_pair": 1,
        "closed_ase": 1,
    },
    {
        "agreement_soon": 1,
        "green": 3,
        "orange": 1,
        "red_silent": 1,
        "closed_pair": 1,
    },
]
OLDEST_DAYS = 540  # about 18 months

MEETING_NOTES = [
    "Travail sur les fractions et le brevet blanc.",
    "Visite de la médiathèque, inscription faite ensemble.",
    "Préparation de l'exposé d'histoire.",
    "Recherche de stage de 3e : deux entreprises appelées.",
    "Balade sur l'île de Nantes, discussion sur l'orientation.",
    "Révision de l'anglais oral.",
    "Rédaction du CV et d'une lettre de motivation.",
    "Sortie au musée d'arts.",
    "Point sur le bulletin du trimestre.",
    "Découverte du métier d'infirmier·ère : vidéo et questions.",
    "Atelier cuisine, puis devoirs de maths.",
    "Préparation de l'entretien pour le CAP.",
    "Visite du salon de l'orientation.",
    "Jeu de société et discussion sur les projets de vacances.",
    "Parcoursup : recherche des formations.",
]
NEXT_STEPS = [
    "Apporter le bulletin du trimestre.",
    "Relancer l'entreprise pour le stage.",
    "Finir la fiche de révision.",
    "Choisir deux formations à visiter.",
    "Préparer les questions pour la journée portes ouvertes.",
    "Revoir le chapitre sur les équations.",
]
CONCERNS = [
    "Le jeune semble très fatigué et m'a dit ne plus dormir au foyer. Je préfère vous en parler.",
    "Il a évoqué des tensions fortes sur son lieu d'accueil. Pouvez-vous me rappeler ?",
]
PAIR_REASONS = [
    ClosureReason.MENTOR_UNAVAILABLE,
    ClosureReason.MENTOR_UNAVAILABLE,
    ClosureReason.YOUTH_DISENGAGED,
    ClosureReason.RELATIONSHIP,
    ClosureReason.MOVE,
]
ASE_REASONS = [ClosureReason.END_OF_MEASURE, ClosureReason.AGE_LIMIT, ClosureReason.NOT_IN_INTEREST]
YOUTH_OPINIONS = [
    "Elle souhaite continuer : « on avance sur mon projet ».",
    "Il apprécie les rencontres et voudrait les garder le mercredi.",
    "Elle dit avoir pris confiance pour l'oral.",
]
CLOSING_COMMENTS = {
    "closed_natural": "Le jeune a atteint ses objectifs ; belle relation, fin préparée ensemble.",
    "closed_pair": "Arrêt anticipé ; le jeune pourra être orienté vers un nouveau mentor s'il le souhaite.",
    "closed_ase": "Fin de prise en charge ; le mentor reste en contact par l'association.",
}

OPEN_STORIES = {
    "new_active",
    "green",
    "orange",
    "red_silent",
    "red_concern",
    "review_overdue",
    "reviewed",
    "extended",
    "reopened",
}


@dataclass
class PairPlan:
    number: int
    association_index: int
    story: str
    youth: YouthPlan
    mentor_fields: dict
    accepted: int  # days ago the association accepted the referral
    validated: int  # days ago the pair was validated
    started: int | None = None  # days ago the launch meeting took place
    ended: int | None = None  # days ago the pair was closed
    meetings_until: int = 0  # days ago of the last session held
    contacts_until: int = 0  # days ago of the last staff contact
    cadence: tuple[int, int] = (14, 28)
    extra: dict = field(default_factory=dict)


def _at(rng, days_ago: int, now: datetime.datetime, hour: tuple[int, int] = (9, 18)) -> datetime.datetime:
    day = timezone.localdate(now) - datetime.timedelta(days=days_ago)
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(*hour), rng.choice([0, 15, 30, 45])))
    when = timezone.make_aware(moment)
    return min(when, now - datetime.timedelta(minutes=10))


# --- Plans ----------------------------------------------------------------------------------------


def _youth_plan(rng, number: int, accepted: int, now: datetime.datetime) -> YouthPlan:
    today = timezone.localdate(now)
    gender = rng.choices(["f", "m"], [50, 50])[0]
    first_name = rng.choice(GIRLS if gender == "f" else BOYS)
    last_name = rng.choice(SURNAMES)
    age = rng.choices(range(13, 20), [10, 12, 13, 13, 12, 9, 6])[0]
    if age >= 18:
        legal_status, measure, holders = LegalStatus.YOUNG_ADULT, "apjm", 1
    else:
        legal_status = rng.choices(
            [LegalStatus.PARENTS, LegalStatus.DELEGATED, LegalStatus.WARD], [76, 20, 4]
        )[0]
        holders = rng.choices([2, 1], [60, 40])[0] if legal_status == LegalStatus.PARENTS else 1
        measure = {
            LegalStatus.PARENTS: rng.choice(
                ["placement_judiciaire", "accueil_provisoire", "placement_judiciaire"]
            ),
            LegalStatus.DELEGATED: "dap",
            LegalStatus.WARD: "pupille",
        }[legal_status]
    placement = rng.choice(
        [
            "Assistante familiale",
            "Assistant familial",
            "MECS Les Tilleuls",
            "Foyer de l'enfance",
            "Lieu de vie",
        ]
        if age < 18
        else ["Appartement en semi-autonomie", "Foyer de jeunes travailleurs"]
    )
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "gender": gender,
        "birth_date": _birth_date(rng, age, today),
        "school_level": _school_level(rng, age, False),
        "care_measure": measure,
        "legal_status": legal_status,
        "authority_holders": holders,
        "commune_draw": rng.random(),
        "placement_structure": placement,
        "modality": rng.choices([Modality.IN_PERSON, Modality.HYBRID, Modality.REMOTE], [70, 22, 8])[0],
        "availability": sorted(rng.sample(SLOTS_LIKELY, rng.randint(1, 3))),
        "interests": ", ".join(rng.sample(INTERESTS, rng.randint(1, 3))),
        "mentor_gender_preference": "",
        "mentor_preferences": "",
        "notes": "",
    }
    # Steps before the acceptance, from the acceptance backwards.
    gaps = {
        "route": (1, 6),
        "submit": (0, 4),
        "referral": (0, 5),
        "consent": (0, 12),
        "proposal": (0, 20),
        "assessment": (3, 30),
    }
    consents = _consents(rng, legal_status, holders, gender, last_name)
    chain = [
        Step("create"),
        Step("assessment", {"conclusion": AssessmentConclusion.IN_INTEREST}),
        Step("proposal", {"outcome": ProposalOutcome.ACCEPTED}),
        *consents,
        Step("referral"),
        Step("submit"),
        Step("route"),
        Step("accept"),
    ]
    chain[-1].days_ago = accepted
    for i in range(len(chain) - 2, -1, -1):
        after = chain[i + 1]
        chain[i].days_ago = after.days_ago + rng.randint(*gaps.get(after.kind, (5, 40)))
    previous = None
    for step in chain:
        when = _at(rng, step.days_ago, now)
        if previous is not None and when <= previous:
            when = previous + datetime.timedelta(minutes=rng.randint(5, 40))
        step.when = previous = when
    steps = chain
    if accepted > 300:
        # The situation assessment is renewed every year: the last one is recent. It is recorded before
        # the submission (the legal gate is checked at the time the services run), dated as planned.
        renewal = Step("assessment", {"conclusion": AssessmentConclusion.IN_INTEREST})
        renewal.days_ago = rng.randint(20, 200)
        renewal.when = _at(rng, renewal.days_ago, now)
        steps = [*chain[:-3], renewal, *chain[-3:]]
    return YouthPlan(
        external_id=f"{EXTERNAL_PREFIX}{number:03d}",
        stage="paired",
        service_index=rng.choices(range(len(SERVICE_SHARES)), SERVICE_SHARES)[0],
        fields=fields,
        objective_codes=_objectives(rng, age),
        steps=steps,
    )


def _mentor_fields(rng, number: int) -> dict:
    occupation = rng.choices([Occupation.STUDENT, Occupation.EMPLOYED, Occupation.RETIRED], [30, 50, 20])[0]
    gender = rng.choice(["f", "m"])
    first_name = rng.choice(FIRST_NAMES[(occupation, gender)])
    last_name = rng.choice(MENTOR_SURNAMES)
    age = {Occupation.STUDENT: (19, 25), Occupation.EMPLOYED: (26, 60), Occupation.RETIRED: (61, 72)}[
        occupation
    ]
    slug = f"{first_name}.{last_name}".lower().replace(" ", "-")
    slug = "".join(c for c in unicodedata.normalize("NFKD", slug) if c.isascii())
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{slug}.b{number}@{MENTOR_DOMAIN}",
        "gender": gender,
        "occupation": occupation,
        "age": rng.randint(*age),
        "modality": rng.choices([Modality.IN_PERSON, Modality.HYBRID], [70, 30])[0],
        "availability": sorted(rng.sample(SLOTS_LIKELY, rng.randint(2, 4))),
        "objectives": rng.sample(["school_support", "orientation", "job_insertion", "socio_emotional"], 2),
        "honorability_left": rng.randint(25, 340),
    }


def _story_dates(rng, plan: PairPlan) -> None:
    """Fill the dates of a story (days ago): validation, start, meetings, contacts, end."""
    story = plan.story
    r = rng.randint
    if story == "agreement_new":
        plan.validated = r(2, 12)
    elif story == "agreement_soon":
        plan.validated = r(24, 27)
    elif story == "agreement_late":
        plan.validated = r(36, 60)
    if story.startswith("agreement"):
        plan.accepted = plan.validated + r(3, 25)
        return
    if story == "new_active":
        plan.started = r(4, 14)
    elif story in ("green", "orange", "red_silent", "red_concern"):
        plan.started = r(60, OLDEST_DAYS - 60)
    elif story == "review_overdue":
        plan.started = r(372, 420)
    elif story == "reviewed":
        plan.started = r(400, OLDEST_DAYS - 40)
    elif story == "extended":
        plan.started = r(190, 300)
    elif story == "reopened":
        plan.started = r(150, 300)
        plan.extra["closed"] = r(25, 45)
    elif story in ("closed_natural", "renewed"):
        plan.started = r(260, OLDEST_DAYS - 40)
        plan.ended = max(3, plan.started - r(185, 250))
    elif story == "closed_pair":
        plan.started = r(90, OLDEST_DAYS - 60)
        plan.ended = max(5, plan.started - r(30, 150))
    elif story == "closed_ase":
        plan.started = r(150, OLDEST_DAYS - 60)
        plan.ended = max(5, plan.started - r(90, 240))
    elif story == "closed_safety":
        plan.started = r(120, 260)
        plan.ended = r(20, 60)
    plan.validated = plan.started + r(7, 30)
    plan.accepted = plan.validated + r(4, 40)
    end = plan.ended or 0
    plan.meetings_until = {
        "orange": r(36, 39),
        "red_silent": r(46, 75),
        "new_active": r(1, 3),
    }.get(story, end + r(1, 4) if plan.ended else r(2, 20))
    plan.contacts_until = {
        "red_silent": r(32, 45),
        "orange": r(3, 12),
    }.get(story, end + r(0, 5) if plan.ended else r(2, 18))
    if "closed" in plan.extra:  # the reopened pair: its history stops at the first closure
        plan.meetings_until = plan.extra["closed"] + r(2, 8)
        plan.contacts_until = plan.extra["closed"] + r(1, 6)
    plan.meetings_until = min(plan.meetings_until, plan.started)
    plan.contacts_until = min(plan.contacts_until, plan.started)
    plan.cadence = (7, 16) if rng.random() < 0.3 else (14, 30)


def plan_pairs(*, now: datetime.datetime | None = None) -> list[PairPlan]:
    rng = random.Random(PAIRS_SEED)
    now = now or timezone.now()
    plans = []
    number = 0
    for association_index, stories in enumerate(STORIES):
        for story, count in stories.items():
            for _ in range(count):
                number += 1
                plan = PairPlan(
                    number=number,
                    association_index=association_index,
                    story=story,
                    youth=None,
                    mentor_fields=_mentor_fields(rng, number),
                    accepted=0,
                    validated=0,
                )
                _story_dates(rng, plan)
                plan.youth = _youth_plan(rng, number, plan.accepted, now)
                plan.extra["seed"] = rng.randint(0, 10**9)
                plans.append(plan)
    return plans


# --- Running the plans ----------------------------------------------------------------------------

BACKDATED = [
    (MentorEvent, "at"),
    (YouthEvent, "at"),
    (AccessLog, "at"),
    (Mentorship.history.model, "history_date"),
    (Mentor.history.model, "history_date"),
    (Referral.history.model, "history_date"),
    (Youth.history.model, "history_date"),
    (Agreement, "created_at"),
    (Signature, "created_at"),
    (Meeting, "created_at"),
    (FollowUpContact, "created_at"),
    (Concern, "created_at"),
    (Concern, "raised_at"),
    (Review, "created_at"),
    (Closure, "created_at"),
    (Closure, "reopened_at"),
    (SurveyResponse, "created_at"),
    (SurveyResponse, "answered_at"),
    (SurveyResponse, "cancelled_at"),
    (MentorAccess, "created_at"),
    (HonorabilityCheck, "created_at"),
    (Mentor, "created_at"),
    (Mentor, "stage_since"),
    (Youth, "created_at"),
    (Referral, "created_at"),
    (Consent, "created_at"),
    (SituationAssessment, "created_at"),
]


class _Clock:
    """Steps of the pairs: whatever the services write during a step takes the step's planned time.
    Rows are mapped to their step in Python and written back with one batch of UPDATEs per table."""

    def __init__(self):
        self.starts: list[datetime.datetime] = []
        self.whens: list[datetime.datetime] = []

    def step(self, when: datetime.datetime) -> datetime.datetime:
        self.starts.append(timezone.now())
        self.whens.append(when)
        return when

    def backdate(self) -> None:
        if not self.starts:
            return
        first = self.starts[0]
        for model, column in BACKDATED:
            table = model._meta.db_table
            pk = model._meta.pk.column
            rows = model.objects.filter(**{f"{column}__gte": first}).values_list("pk", column)
            updates = []
            for key, stamp in rows:
                index = bisect.bisect_right(self.starts, stamp) - 1
                if index >= 0:
                    updates.append((self.whens[index], key))
            if updates:
                field = model._meta.pk
                sql = (  # names from the models' metadata, values as parameters
                    f"UPDATE {connection.ops.quote_name(table)} SET {connection.ops.quote_name(column)} = %s "  # noqa: S608
                    f"WHERE {connection.ops.quote_name(pk)} = %s"
                )
                params = [
                    (connection.ops.adapt_datetimefield_value(when), field.get_db_prep_value(key, connection))
                    for when, key in updates
                ]
                with connection.cursor() as cursor:
                    cursor.executemany(sql, params)


class _Youths:
    """The pairs' youths, already referred and accepted. Each record is created through `youth_save`
    (validation, territory, timeline); the steps that brought it to the association (assessments,
    consents, referral, routing, acceptance) are written as they stand once done, with their dates, so
    18 months of demo history stay quick to build."""

    def __init__(self, world, targets: dict, clock: _Clock):
        self.pathway = _Pathway(world)  # its communes, references and referrers
        self.world = world
        self.targets = targets
        self.clock = clock
        self.scan = default_storage.save("consents/demo/accord-signe.pdf", ContentFile(DEMO_SCAN))

    def run(self, plan: YouthPlan) -> Youth:
        pathway = self.pathway
        service = self.world.ase_services[plan.service_index]
        referrer = pathway.referrers.get(plan.service_index)
        by, organisation = (referrer, service) if referrer else (pathway.pilot, self.world.departement)
        fields = dict(plan.fields)
        level, measure = fields.pop("school_level"), fields.pop("care_measure")
        references = pathway.references
        youth = Youth(
            departement=self.world.departement,
            ase_service=service,
            referrer=referrer,
            external_id=plan.external_id,
            school_level=references[ReferenceKind.SCHOOL_LEVEL].get(level) if level else None,
            care_measure=references[ReferenceKind.CARE_MEASURE].get(measure),
            commune=pathway._commune(plan.service_index, fields.pop("commune_draw")),
            **fields,
        )
        steps = {step.kind: step for step in plan.steps}
        self.clock.step(steps["create"].when)
        youth_services.youth_save(
            youth=youth,
            objectives=[
                references[ReferenceKind.OBJECTIVE][code]
                for code in plan.objective_codes
                if code in references[ReferenceKind.OBJECTIVE]
            ],
            by=by,
            organisation=organisation,
        )
        events = []
        association = self.targets[plan.external_id]
        for step in plan.steps:
            if step.kind == "assessment":
                self.clock.step(step.when)
                SituationAssessment.objects.create(
                    youth=youth,
                    date=step.date,
                    author_name=f"{referrer.get_full_name()}, référent·e ASE"
                    if referrer
                    else "Mme Anne Jouan, cadre de l'ASE",
                    conclusion=AssessmentConclusion.IN_INTEREST,
                    ppe_reference=f"PPE du {step.date:%d/%m/%Y}",
                    recorded_by=by,
                )
                events.append(
                    (
                        step,
                        EventKind.ASSESSMENT,
                        f"Dans l'intérêt du jeune (évaluation du {step.date:%d/%m/%Y})",
                    )
                )
            elif step.kind == "consent":
                self.clock.step(step.when)
                consent = Consent(youth=youth, date=step.date, recorded_by=by, **step.data)
                if step.data["kind"] in rules.WRITTEN_KINDS:
                    consent.document.name = self.scan
                consent.save()
                events.append((step, EventKind.CONSENT, consent.get_kind_display()))
            elif step.kind in ("proposal", "referral", "submit", "route", "accept"):
                kind = {
                    "proposal": EventKind.PROPOSAL,
                    "referral": EventKind.REFERRAL_CREATED,
                    "submit": EventKind.REFERRAL_SUBMITTED,
                    "route": EventKind.REFERRAL_ROUTED,
                    "accept": EventKind.REFERRAL_ACCEPTED,
                }[step.kind]
                detail = {
                    "proposal": "Acceptée",
                    "route": f"Vers {association} (par le département)",
                    "accept": str(association),
                }
                events.append((step, kind, detail.get(step.kind, "")))
        self.clock.step(steps["referral"].when)
        Referral.objects.create(
            youth=youth,
            departement=self.world.departement,
            state=ReferralState.ACCEPTED,
            association=association,
            message="Volontaire, attend beaucoup de cette rencontre. Prévenir le lieu d'accueil avant chaque rendez-vous.",
            created_by=by,
            submitted_at=steps["submit"].when,
            routed_at=steps["route"].when,
            accepted_at=steps["accept"].when,
        )
        latest = min((s for s in plan.steps if s.kind == "assessment"), key=lambda s: s.days_ago)
        Youth.objects.filter(pk=youth.pk).update(
            assessment_date=latest.date,
            assessment_in_interest=True,
            consents_complete=True,
            proposal_outcome=ProposalOutcome.ACCEPTED,
            proposal_date=steps["proposal"].date,
        )
        YouthEvent.objects.bulk_create(
            [
                YouthEvent(
                    youth=youth,
                    at=step.when,
                    kind=kind,
                    actor=pathway.pilot if kind == EventKind.REFERRAL_ROUTED else by,
                    organisation=self.world.departement
                    if kind == EventKind.REFERRAL_ROUTED
                    else organisation,
                    detail=detail,
                    visible_to_association=kind.startswith("referral"),
                )
                for step, kind, detail in events
            ]
        )
        youth.refresh_from_db()
        return youth


class _PairRun:
    def __init__(self, world: DemoWorld, now: datetime.datetime):
        self.world = world
        self.now = now
        self.today = timezone.localdate(now)
        self.staff = [_staff(association) for association in world.associations]
        self.referrers = {
            service.pk: Membership.objects.filter(organisation=service, role=Role.REFERRER, is_active=True)
            .select_related("user")
            .first()
            for service in world.ase_services
        }

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, rng, days_ago: int, hour=(9, 18)) -> datetime.datetime:
        return _at(rng, days_ago, self.now, hour)

    # The mentor, trained and vetted before the pair.
    def mentor(self, plan: PairPlan, association, coordinator, clock: _Clock) -> Mentor:
        """Applied, trained and vetted before the referral was accepted; checked again every year since."""
        f = plan.mentor_fields
        rng = random.Random(plan.number)
        applied = clock.step(self.at(rng, plan.accepted + 70))
        ready_at = self.at(rng, plan.accepted + 5)
        # Compliant checks, one a year, the last one still valid today.
        left = f["honorability_left"] if plan.story != "closed_safety" else min(f["honorability_left"], 200)
        results = [self.today - datetime.timedelta(days=365 - left)]
        while (results[-1] - self.day(plan.accepted + 12)).days > 330:
            results.append(results[-1] - datetime.timedelta(days=365 - rng.randint(5, 30)))
        results.reverse()
        mentor = Mentor.objects.create(
            association=association,
            first_name=f["first_name"],
            last_name=f["last_name"],
            email=f["email"],
            birth_date=years_before(self.today, f["age"]) - datetime.timedelta(days=40),
            birth_place="Nantes",
            gender=f["gender"],
            occupation=f["occupation"],
            motivation="Transmettre ce que l'on m'a donné, et être là pour un jeune.",
            availability=f["availability"],
            modality=f["modality"],
            objectives=f["objectives"],
            capacity=1,
            stage=MentorStage.READY,
            stage_since=ready_at,
            coordinator=coordinator,
            training_complete=True,
            honorability_valid_until=one_year_after(results[-1]),
            privacy_accepted_at=applied,
        )
        HonorabilityCheck.objects.bulk_create(
            [
                HonorabilityCheck(
                    mentor=mentor,
                    departement=self.world.departement,
                    requested_on=result_on - datetime.timedelta(days=rng.randint(10, 25)),
                    result_on=result_on,
                    result=CheckResult.COMPLIANT,
                    valid_until=one_year_after(result_on),
                )
                for result_on in results
            ]
        )
        MentorEvent.objects.bulk_create(
            [
                MentorEvent(
                    mentor=mentor, stage=MentorStage.CANDIDATE, detail="Candidature en ligne", at=applied
                ),
                MentorEvent(mentor=mentor, stage=MentorStage.TRAINING, at=self.at(rng, plan.accepted + 45)),
                MentorEvent(
                    mentor=mentor, detail="Formation requise terminée", at=self.at(rng, plan.accepted + 30)
                ),
                MentorEvent(
                    mentor=mentor,
                    stage=MentorStage.READY,
                    detail="Formé·e et contrôle d'honorabilité conforme",
                    at=ready_at,
                ),
            ]
        )
        return mentor

    def run(self, plan: PairPlan, youth: Youth, clock: _Clock) -> Mentorship:
        rng = random.Random(plan.extra["seed"])
        association = self.world.associations[plan.association_index]
        staff = self.staff[plan.association_index]
        coordinator = staff[plan.number % len(staff)]
        org = association
        mentor = self.mentor(plan, association, coordinator, clock)
        referral = youth.referrals.get(state=ReferralState.ACCEPTED)

        validated_at = clock.step(self.at(rng, plan.validated))
        pair = services.mentorship_create(
            referral=referral,
            mentor=mentor,
            by=coordinator,
            organisation=org,
            proposed_at=validated_at - datetime.timedelta(days=rng.randint(0, 4), hours=3),
        )
        Mentorship.objects.filter(pk=pair.pk).update(validated_at=validated_at)
        Referral.objects.filter(pk=referral.pk).update(matched_at=validated_at)
        pair.refresh_from_db()
        self.signatures(rng, plan, pair, clock, coordinator)
        if plan.started is not None:
            self.launch(rng, plan, pair, clock, coordinator)
            self.follow(rng, plan, pair, clock, coordinator)
            self.finish(rng, plan, pair, clock, coordinator)
        return pair

    def signatures(self, rng, plan, pair, clock, coordinator):
        agreement = pair.agreements.get(number=0)
        if plan.started is not None:
            start_day = self.day(plan.started)
            services.agreement_update(
                agreement=agreement,
                by=coordinator,
                organisation=pair.association,
                start_on=start_day,
                frequency=rng.choice(["monthly", "fortnightly", "monthly", "weekly"]),
            )
        parties = agreement.required_parties()
        if plan.story == "agreement_new":
            parties = parties[: rng.randint(0, 2)]
        elif plan.story in ("agreement_soon", "agreement_late"):
            parties = parties[:-2] if plan.story == "agreement_late" else parties[:-1]
        first = plan.validated - rng.randint(1, 5) if plan.started is None else plan.validated - 2
        for index, party in enumerate(parties):
            days_ago = max(plan.started or 0, first - index * rng.randint(0, 3))
            days_ago = min(days_ago, plan.validated)
            self.sign(rng, pair, agreement, party, days_ago, clock, coordinator)

    def sign(self, rng, pair, agreement, party, days_ago, clock, coordinator):
        clock.step(self.at(rng, days_ago))
        youth = pair.youth
        if party == Party.ASE and self.referrers.get(youth.ase_service_id):
            referrer = self.referrers[youth.ase_service_id]
            services.agreement_sign(
                agreement=agreement,
                party=party,
                signer_name=f"{referrer.user.get_full_name()}, référent·e ASE",
                signed_on=self.day(days_ago),
                method=SignatureMethod.SCAN,
                by=referrer.user,
                organisation=referrer.organisation,
                document=ContentFile(DEMO_SCAN, name="convention.pdf"),
            )
            return
        names = {
            Party.ASE: f"Pour {youth.ase_service}, la cheffe de service",
            Party.ASSOCIATION: f"{coordinator.get_full_name()}, pour {pair.association}",
            Party.ESTABLISHMENT: f"La direction — {agreement.establishment}",
            Party.YOUTH: youth.first_name,
            Party.MENTOR: f"{pair.mentor.first_name} {pair.mentor.last_name}",
        }
        services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name=names[party],
            signed_on=self.day(days_ago),
            method=SignatureMethod.IN_PRESENCE,
            by=coordinator,
            organisation=pair.association,
        )

    def launch(self, rng, plan, pair, clock, coordinator):
        held_at = clock.step(self.at(rng, plan.started, (14, 18)))
        services.mentorship_launch(
            mentorship=pair,
            by=coordinator,
            organisation=pair.association,
            held_at=held_at,
            objectives=pair.agreements.get(number=0).objectives + "\n" + rng.choice(NEXT_STEPS),
            parents_present=rng.random() < 0.2,
            note="Rencontre tripartite au lieu d'accueil, en présence du référent.",
        )
        pair.refresh_from_db()

    def follow(self, rng, plan, pair, clock, coordinator):
        """Meetings, staff contacts, pulse surveys, reviews and amendments, in date order."""
        events, meetings, contacts = [], [], []
        remote = pair.agreements.get(number=0).modality == Modality.REMOTE
        day = plan.started - rng.randint(*plan.cadence)
        while day >= plan.meetings_until:
            events.append((day, "meeting"))
            day -= rng.randint(*plan.cadence)
        if plan.meetings_until not in [d for d, _ in events] and plan.meetings_until < plan.started:
            events.append((plan.meetings_until, "meeting"))
        for offset in (rng.randint(3, 12), rng.randint(16, 28)):
            if plan.started - offset >= plan.contacts_until:
                events.append((plan.started - offset, "contact"))
        day = plan.started - 28 - rng.randint(14, 28)
        while day > plan.contacts_until:
            events.append((day, "contact"))
            day -= rng.randint(14, 28)
        events.append((plan.contacts_until, "contact"))
        # Pulse surveys: the last three rounds (older ones are history nobody reads in a demo).
        due = plan.started - 30
        rounds = []
        while due >= (plan.ended or 0) + 1 and due >= 2:
            rounds.append(due)
            due -= 60
        for due in rounds[-3:]:
            events.append((due - rng.randint(1, min(8, due - 1)) if due > 2 else due, "pulse:" + str(due)))
        if plan.story in OPEN_STORIES and plan.story != "review_overdue" and plan.started > 375:
            events.append((plan.started - 360 - rng.randint(0, 10), "review"))
        if plan.story == "extended":
            events.append((plan.started - 160, "amendment"))
        if plan.story == "red_concern":
            events.append((rng.randint(1, 5), "concern"))
        for days_ago, kind in sorted(events, key=lambda e: -e[0]):
            if days_ago < 0 or days_ago > plan.started or (plan.ended and days_ago < plan.ended):
                continue
            when = self.at(rng, days_ago, (10, 19))
            if kind == "meeting":
                # The log of past meetings and contacts is written in one go (see `_log_history`).
                roll = rng.random()
                status = (
                    "held"
                    if roll < 0.86 or days_ago == plan.meetings_until
                    else ("cancelled" if roll < 0.94 else "no_show")
                )
                by_mentor = rng.random() < 0.45
                meetings.append(
                    Meeting(
                        mentorship=pair,
                        kind="session",
                        at=when,
                        status=status,
                        modality="remote" if (remote or rng.random() < 0.2) else "in_person",
                        duration_minutes=rng.choice([60, 60, 90, 120, 45]),
                        note=rng.choice(MEETING_NOTES) if status == "held" else "",
                        next_steps=rng.choice(NEXT_STEPS) if status == "held" and rng.random() < 0.4 else "",
                        recorded_by=None if by_mentor else coordinator,
                        recorded_by_mentor=by_mentor,
                        created_at=when,
                        updated_at=when,
                    )
                )
                continue
            if kind == "contact":
                day = timezone.localdate(when)
                contacts.append(
                    FollowUpContact(
                        mentorship=pair,
                        on=day,
                        channel=rng.choice(["call", "call", "sms", "email", "tripartite"]),
                        with_whom=rng.choice(["mentor", "youth", "both", "mentor", "referrer"]),
                        note=rng.choice(
                            ["Tout va bien.", "Rencontres régulières.", "Point sur le stage.", ""]
                        ),
                        by=coordinator,
                        created_at=when,
                        updated_at=when,
                    )
                )
                continue
            clock.step(when)
            if kind.startswith("pulse:"):
                self.pulse(rng, pair, self.day(int(kind.split(":")[1])), coordinator)
            elif kind == "review":
                referrer = self.referrers.get(pair.youth.ase_service_id)
                services.review_record(
                    mentorship=pair,
                    by=referrer.user if referrer else coordinator,
                    organisation=referrer.organisation if referrer else pair.association,
                    held_on=when.date(),
                    participants="Référent·e ASE, chargé·e de mentorat, le jeune, le mentor",
                    youth_opinion=rng.choice(YOUTH_OPINIONS),
                    decision="continue",
                )
            elif kind == "amendment":
                amendment = services.amendment_create(
                    mentorship=pair,
                    by=coordinator,
                    organisation=pair.association,
                    changes="Prolongation de six mois : le jeune et le mentor souhaitent continuer jusqu'à l'été.",
                    end_on=(pair.planned_end_on or self.today) + datetime.timedelta(days=182),
                )
                for party in amendment.required_parties():
                    self.sign(rng, pair, amendment, party, days_ago, clock, coordinator)
            elif kind == "concern":
                services.concern_raise(mentorship=pair, message=rng.choice(CONCERNS), by_mentor=True)
        self._log_history(pair, meetings, contacts)
        if plan.story in OPEN_STORIES and rng.random() < 0.6 and plan.story != "red_silent":
            services.meeting_save(
                mentorship=pair,
                at=self.now + datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(1, 6)),
                status="planned",
                modality="in_person",
                by=coordinator,
            )

    def _log_history(self, pair, meetings, contacts) -> None:
        """Past meetings and staff contacts as the pair's log holds them; the counts, the next steps and
        the colour are then derived by the same service functions as for a meeting entered by hand."""
        Meeting.objects.bulk_create(meetings)
        FollowUpContact.objects.bulk_create(contacts)
        services.refresh_meetings(pair)
        services.refresh_contacts(pair)
        last = pair.meetings.filter(status="held").exclude(next_steps="").order_by("-at").first()
        if last:
            Mentorship.objects.filter(pk=pair.pk).update(next_steps=last.next_steps)
        services.refresh_follow_up(pair, notify=False)

    def pulse(self, rng, pair, due_on, coordinator):
        for response in survey_services.pulse_open(mentorship=pair, due_on=due_on, email_mentor=False):
            answer = rng.random() < (0.7 if response.respondent == Respondent.MENTOR else 0.5)
            if answer:
                base = rng.choice([3, 4, 4, 5, 5])
                survey_services.survey_answer(
                    response=response,
                    values={
                        code: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for code in response.questions
                    },
                    by=coordinator if response.respondent == Respondent.YOUTH else None,
                )

    def finish(self, rng, plan, pair, clock, coordinator):
        story = plan.story
        if plan.ended is None and story != "reopened":
            return
        if story == "reopened":
            plan_end = plan.extra["closed"]
            clock.step(self.at(rng, plan_end))
            services.mentorship_close(
                mentorship=pair,
                by=coordinator,
                organisation=pair.association,
                ended_on=self.day(plan_end),
                reason=ClosureReason.MENTOR_UNAVAILABLE,
                objectives_reached="partly",
                mentor_may_rematch=True,
                comment="Le mentor part en mission à l'étranger.",
            )
            reopen = max(1, plan_end - rng.randint(5, 12))
            clock.step(self.at(rng, reopen))
            services.mentorship_reopen(
                mentorship=pair,
                by=coordinator,
                organisation=pair.association,
                reason="La mission du mentor est annulée : le binôme reprend.",
            )
            clock.step(self.at(rng, max(0, reopen - 2)))
            services.meeting_save(
                mentorship=pair,
                at=self.at(rng, max(0, reopen - 2)),
                status="held",
                modality="in_person",
                duration_minutes=90,
                note="Reprise des rencontres après l'interruption.",
                by=coordinator,
            )
            services.contact_record(
                mentorship=pair,
                by=coordinator,
                organisation=pair.association,
                on=self.day(max(0, reopen - 1)),
                channel="call",
                with_whom="both",
                note="Reprise confirmée avec le jeune et le mentor.",
            )
            return
        clock.step(self.at(rng, plan.ended))
        if story == "closed_safety":
            services.mentorship_close(
                mentorship=pair,
                by=coordinator,
                organisation=pair.association,
                ended_on=self.day(plan.ended),
                reason=ClosureReason.HONORABILITY,
                automatic=True,
                comment="Clôture automatique : contrôle d'honorabilité du mentor non conforme, confirmé par le département.",
            )
            mentor = pair.mentor
            HonorabilityCheck.objects.create(
                mentor=mentor,
                departement=self.world.departement,
                requested_on=self.day(plan.ended + 12),
                result_on=self.day(plan.ended + 3),
                result=CheckResult.NOT_COMPLIANT,
                failure_confirmed_at=self.at(rng, plan.ended),
            )
            Mentor.objects.filter(pk=mentor.pk).update(honorability_valid_until=None)
            mentor.refresh_from_db()
            if mentor.stage != MentorStage.LEFT:
                mentor_move(
                    mentor=mentor, stage=MentorStage.LEFT, by=coordinator, reason="Contrôle d'honorabilité"
                )
            return
        if story in ("closed_natural", "renewed"):
            reason = rng.choice(
                [ClosureReason.PLANNED_END, ClosureReason.PLANNED_END, ClosureReason.NO_LONGER_NEEDED]
            )
            reached = rng.choice(["yes", "yes", "mostly", "mostly", "partly"])
        elif story == "closed_pair":
            reason = rng.choice(PAIR_REASONS)
            reached = rng.choice(["partly", "no", "no", "partly", "mostly"])
        else:
            reason = rng.choice(ASE_REASONS)
            reached = rng.choice(["mostly", "partly", "partly", "yes"])
        services.mentorship_close(
            mentorship=pair,
            by=coordinator,
            organisation=pair.association,
            ended_on=self.day(plan.ended),
            reason=reason,
            objectives_reached=reached,
            mentor_may_rematch=rng.random() < 0.85 or story != "closed_pair",
            closing_meeting_on=self.day(plan.ended) if rng.random() < 0.6 else None,
            comment=CLOSING_COMMENTS.get("closed_natural" if story == "renewed" else story, ""),
        )
        base = {"yes": 5, "mostly": 4, "partly": 3, "no": 2}[reached]
        for response in pair.survey_responses.pending().filter(kind="exit"):
            if rng.random() < (0.75 if response.respondent == Respondent.MENTOR else 0.6):
                clock.step(self.at(rng, max(0, plan.ended - rng.randint(1, 10))))
                survey_services.survey_answer(
                    response=response,
                    values={
                        code: (
                            None
                            if code == "grades" and pair.youth.age() >= 18
                            else max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
                        )
                        for code in response.questions
                    },
                    comment=rng.choice(["", "", "Merci pour cet accompagnement.", "Une belle rencontre."]),
                    by=coordinator if response.respondent == Respondent.YOUTH else None,
                )
        if story == "renewed":
            renew_day = max(1, plan.ended - rng.randint(5, 20))
            clock.step(self.at(rng, renew_day))
            renewal = services.mentorship_renew(
                mentorship=pair, by=coordinator, organisation=pair.association
            )
            Mentorship.objects.filter(pk=renewal.pk).update(validated_at=self.at(rng, renew_day))
            renewal.refresh_from_db()
            agreement = renewal.agreements.get()
            if renew_day > 6:
                start = renew_day - rng.randint(2, 5)
                services.agreement_update(
                    agreement=agreement,
                    by=coordinator,
                    organisation=renewal.association,
                    start_on=self.day(start),
                )
                for party in agreement.required_parties():
                    self.sign(rng, renewal, agreement, party, start, clock, coordinator)
                held_at = clock.step(self.at(rng, start, (14, 18)))
                services.mentorship_launch(
                    mentorship=renewal,
                    by=coordinator,
                    organisation=renewal.association,
                    held_at=held_at,
                    objectives="Poursuivre ensemble : " + rng.choice(NEXT_STEPS).lower(),
                )
                services.contact_record(
                    mentorship=renewal,
                    by=coordinator,
                    organisation=renewal.association,
                    on=self.day(max(0, start - 1)),
                    channel="call",
                    with_whom="both",
                    note="Reconduction : tout le monde est content de continuer.",
                )
            else:
                self.sign(rng, renewal, agreement, Party.ASSOCIATION, renew_day, clock, coordinator)

    def colour_since(self, pair: Mentorship) -> None:
        """The day the pair took its colour, as the nightly job would have recorded it."""
        if not pair.colour:
            return
        soon = datetime.timedelta(days=7)
        if pair.colour == Colour.RED and pair.concern_open:
            since = pair.concerns.filter(resolved_at__isnull=True).order_by("raised_at").first().raised_at
        elif pair.colour == Colour.RED and pair.follow_up_due_on:
            since = pair.follow_up_due_on + datetime.timedelta(days=1)
        elif pair.colour == Colour.ORANGE and pair.follow_up_due_on:
            since = pair.follow_up_due_on - soon
        else:
            since = max(
                d for d in (pair.last_meeting_on, pair.last_contact_on, pair.validated_at.date()) if d
            )
        if isinstance(since, datetime.date) and not isinstance(since, datetime.datetime):
            since = timezone.make_aware(
                datetime.datetime.combine(min(since, self.today), datetime.time(6, 30))
            )
        Mentorship.objects.filter(pk=pair.pk).update(colour_since=min(since, self.now))


def build_pairs(world: DemoWorld) -> int:
    """Pairs in every state and colour over 18 months, with their youths and mentors. Returns how many
    plans were added (0 on a second run)."""
    now = timezone.now()
    plans = plan_pairs(now=now)
    existing = set(
        Youth.objects.filter(
            departement=world.departement, external_id__startswith=EXTERNAL_PREFIX
        ).values_list("external_id", flat=True)
    )
    plans = [plan for plan in plans if plan.youth.external_id not in existing]
    if not plans:
        return 0
    targets = {plan.youth.external_id: world.associations[plan.association_index] for plan in plans}
    with transaction.atomic(), emails.suppressed():
        clock = _Clock()
        builder = _Youths(world, targets, clock)
        youths = [builder.run(plan.youth) for plan in plans]
        run = _PairRun(world, now)
        for plan, youth in zip(plans, youths, strict=True):
            run.run(plan, youth, clock)
        clock.backdate()
        # Colours as of today, each with the day the nightly job would have set it.
        for pair in Mentorship.objects.filter(youth__in=youths).select_related("association"):
            services.refresh_follow_up(pair, notify=False)
            run.colour_since(pair)
    return len(plans)
