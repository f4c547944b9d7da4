"""A small, known, randomised dataset for the steering tests, and an independent reference: every
figure recomputed in plain Python from the rows, with the definitions written out again."""

import datetime
import random
import statistics
from dataclasses import dataclass, field

from django.utils import timezone

from binome.mentors.models import TrainingRegistration
from binome.mentorships.models import Activity, Meeting, Mentorship, MentorshipState
from binome.references.models import ReferenceItem, ReferenceKind
from binome.steering.periods import Period
from binome.surveys.models import SurveyAnswer, SurveyResponse
from binome.utils.choices import Modality
from binome.utils.dates import age_on
from binome.youths.models import ProposalOutcome, Referral, ReferralState, Youth
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.mentors.factories import MentorFactory, TrainingSessionFactory
from tests.youths.factories import TerritoryFactory, YouthFactory

PERIOD = Period.month(2026, 3)
FIRST_NAMES = ["Inès", "Yanis", "Lina", "Noah", "Jade", "Rayan", "Maëlys", "Adam"]
SURNAMES = ["Morel-Unique", "Girard-Unique", "Roux-Unique", "Faure-Unique", "Blanc-Unique"]


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def random_moment(rng, start: datetime.date, end: datetime.date) -> datetime.datetime:
    day = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
    return at(day.year, day.month, day.day, rng.choice([0, 8, 12, 23]), rng.choice([0, 30, 59]))


@dataclass
class Dataset:
    departement: object
    other_departement: object
    associations: list
    territories: list
    youths: list = field(default_factory=list)
    pairs: list = field(default_factory=list)


def build(world, seed=7, n_youths=45) -> Dataset:
    rng = random.Random(seed)
    dept, other = world["departement"], world["other_departement"]
    assoc_a = world["association"]
    assoc_c = AssociationFactory(name="Association C")
    ConventionFactory(departement=dept, association=assoc_c)
    territories = [TerritoryFactory(departement=dept, name=n) for n in ("Nord", "Sud")]
    refs = {
        kind: list(ReferenceItem.objects.filter(departement=dept, kind=kind))
        for kind in (ReferenceKind.SCHOOL_LEVEL, ReferenceKind.CARE_MEASURE, ReferenceKind.OBJECTIVE)
    }
    data = Dataset(dept, other, [assoc_a, assoc_c], territories)
    add_activities(rng, [assoc_a, assoc_c, world["other_association"]])
    mentors = {
        a.pk: [MentorFactory(association=a, in_pair=True) for _ in range(6)] for a in (assoc_a, assoc_c)
    }
    mentors[world["other_association"].pk] = [
        MentorFactory(association=world["other_association"], in_pair=True) for _ in range(3)
    ]
    # Mentors' applications spread over two years, training attendance in and around March.
    for mentor in [m for ms in mentors.values() for m in ms]:
        created = random_moment(rng, datetime.date(2025, 1, 1), datetime.date(2026, 6, 30))
        type(mentor).objects.filter(pk=mentor.pk).update(created_at=created)
    for association in (assoc_a, assoc_c, world["other_association"]):
        for starts in (at(2026, 3, 10, 18), at(2026, 4, 2, 18), at(2025, 3, 20, 18)):
            session = TrainingSessionFactory(association=association, starts_at=starts)
            for mentor in rng.sample(mentors[association.pk], 3):
                TrainingRegistration.objects.create(
                    session=session, mentor=mentor, attended=rng.random() < 0.7
                )

    end = PERIOD.end
    for n in range(n_youths):
        in_dept = n < n_youths - 8
        departement = dept if in_dept else other
        service = world["ase_service"] if in_dept else world["other_ase_service"]
        association = rng.choice([assoc_a, assoc_c]) if in_dept else world["other_association"]
        birth = end - datetime.timedelta(days=rng.randint(9 * 365, 22 * 365))
        outcome = rng.choice(
            ["", "", ProposalOutcome.ACCEPTED, ProposalOutcome.ACCEPTED, ProposalOutcome.POSTPONED]
        )
        youth = YouthFactory(
            ase_service=service,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(SURNAMES),
            birth_date=birth,
            gender=rng.choice("fmx"),
            school_level=rng.choice([*refs[ReferenceKind.SCHOOL_LEVEL], None]) if in_dept else None,
            care_measure=rng.choice([*refs[ReferenceKind.CARE_MEASURE], None]) if in_dept else None,
            territory=rng.choice([*territories, None]) if in_dept else None,
            modality=rng.choice([*Modality.values, ""]),
            legal_status="young_adult" if age_on(birth, timezone.localdate()) >= 18 else "parents",
            proposal_outcome=outcome,
            archived_at=at(2026, 1, 5) if rng.random() < 0.05 else None,
        )
        if in_dept:
            youth.objectives.set(rng.sample(refs[ReferenceKind.OBJECTIVE], rng.randint(0, 2)))
        data.youths.append(youth)
        if rng.random() < 0.2:
            # No pair: a referral somewhere along the way.
            state = rng.choice([ReferralState.SUBMITTED, ReferralState.ROUTED, ReferralState.ACCEPTED])
            sent = random_moment(rng, datetime.date(2025, 2, 1), datetime.date(2026, 4, 30))
            Referral.objects.create(
                youth=youth,
                departement=departement,
                state=state,
                association=association if state != ReferralState.SUBMITTED else None,
                submitted_at=sent,
                routed_at=sent + datetime.timedelta(days=2) if state != ReferralState.SUBMITTED else None,
                accepted_at=sent + datetime.timedelta(days=5) if state == ReferralState.ACCEPTED else None,
            )
            continue
        validated = random_moment(rng, datetime.date(2024, 6, 1), datetime.date(2026, 6, 30))
        accepted = validated - datetime.timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23))
        sent = accepted - datetime.timedelta(days=rng.randint(1, 20))
        referral = Referral.objects.create(
            youth=youth,
            departement=departement,
            state=ReferralState.MATCHED,
            association=association,
            submitted_at=sent,
            routed_at=sent + datetime.timedelta(days=1),
            accepted_at=accepted,
            matched_at=validated,
        )
        # Sometimes a closed pair first, then a renewal with the same youth.
        chain = 2 if rng.random() < 0.25 else 1
        previous = None
        for step in range(chain):
            local = timezone.localdate(validated)
            started = local + datetime.timedelta(days=rng.randint(0, 25)) if rng.random() < 0.85 else None
            last = step == chain - 1
            ended = None
            if not last or rng.random() < 0.5:
                ended = (started or local) + datetime.timedelta(days=rng.randint(10, 500))
                ended = min(ended, datetime.date(2026, 11, 1))
            closure = rng.choice(CLOSURES) if ended else ("", "")
            pair = Mentorship.objects.create(
                association=association,
                departement=departement,
                youth=youth,
                mentor=rng.choice(mentors[association.pk]),
                referral=referral if step == 0 else None,
                state=MentorshipState.CLOSED if ended else rng.choice(["agreement", "active"]),
                is_renewal=previous is not None,
                previous=previous,
                referral_accepted_at=accepted if rng.random() < 0.9 else None,
                validated_at=validated,
                started_at=started,
                ended_at=ended,
                closure_category=closure[0],
                closure_reason=closure[1],
                objectives_reached=rng.choice(["yes", "mostly", "partly", "no", ""]) if ended else "",
                colour="" if ended else rng.choice(["green", "green", "orange", "red", ""]),
            )
            data.pairs.append(pair)
            _lifecycle(rng, pair, local, ended)
            previous = pair
            if ended is None:
                break
            validated = timezone.make_aware(
                datetime.datetime.combine(
                    ended + datetime.timedelta(days=rng.randint(0, 40)), datetime.time(10)
                )
            )
            accepted = validated - datetime.timedelta(days=rng.randint(0, 10))
    return data


CLOSURES = [
    ("pair", "mentor_unavailable"),
    ("pair", "youth_disengaged"),
    ("ase", "end_of_measure"),
    ("natural", "planned_end"),
    ("", ""),  # an old closure without reason
]
EXIT_CODES = ["self_confidence", "grades", "internship_job", "psychosocial", "someone_to_count_on"]


def _lifecycle(rng, pair, validated_on, ended):
    """Meetings along the pair, and for some closed pairs the youth's exit questionnaire."""
    end = ended or datetime.date(2026, 11, 1)
    span = max(1, (end - validated_on).days)
    for _ in range(rng.randint(0, 12)):
        day = validated_on + datetime.timedelta(days=rng.randint(0, span))
        Meeting.objects.create(
            mentorship=pair,
            at=at(day.year, day.month, day.day, rng.choice([0, 10, 23])),
            status=rng.choice(["held", "held", "held", "cancelled", "no_show", "planned"]),
            modality=rng.choice(["in_person", "in_person", "remote"]),
            kind=rng.choice(["session", "session", "launch"]),
        )
    if ended and rng.random() < 0.7:
        answered = ended + datetime.timedelta(days=rng.randint(0, 20))
        response = SurveyResponse.objects.create(
            mentorship=pair,
            kind="exit",
            respondent=rng.choice(["youth", "youth", "mentor"]),
            due_on=ended,
            answered_at=at(answered.year, answered.month, answered.day, 9) if rng.random() < 0.9 else None,
        )
        for code in EXIT_CODES:
            if rng.random() < 0.9:
                SurveyAnswer.objects.create(response=response, question=code, value=rng.randint(1, 5))


def add_activities(rng, associations):
    for association in associations:
        for _ in range(6):
            day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 540))
            Activity.objects.create(
                association=association,
                kind="workshop",
                title="Atelier",
                starts_at=at(day.year, day.month, day.day),
            )


# --- The reference, in plain Python -----------------------------------------------------------------


def local(dt):
    return timezone.localdate(dt)


def followed(pair, period):
    """Launched by the period's end (a pair still to sign or signed is not followed yet), not closed
    before its start."""
    return (
        pair.started_at is not None
        and pair.started_at <= period.end
        and (pair.ended_at is None or pair.ended_at >= period.start)
    )


def launched(pair, period):
    return pair.started_at is not None and period.start <= pair.started_at <= period.end


def validated(pair, period):
    return period.start <= local(pair.validated_at) <= period.end


def closed(pair, period):
    return pair.ended_at is not None and period.start <= pair.ended_at <= period.end


def duration_days(pair):
    return (pair.ended_at - (pair.started_at or local(pair.validated_at))).days


def wait_days(pair):
    return (pair.validated_at - pair.referral_accepted_at).total_seconds() / 86400


def first_meeting_days(pair):
    """From the referral sent (its local day) to the launch meeting."""
    return (pair.started_at - local(pair.referral.submitted_at)).days


def reference(pairs, period) -> dict:
    """The platform's pair indicators, recomputed from the rows."""
    fol = [p for p in pairs if followed(p, period)]
    val = [p for p in pairs if validated(p, period)]
    new = [p for p in pairs if launched(p, period)]
    clo = [p for p in pairs if closed(p, period)]
    waits = [wait_days(p) for p in val if p.referral_accepted_at]
    to_meeting = [first_meeting_days(p) for p in new if p.referral_id]
    return {
        "pairs_followed": len(fol),
        "youths_mentored": len({p.youth_id for p in fol}),
        "mentors_in_pair": len({p.mentor_id for p in fol}),
        "pairs_new": sum(1 for p in new if not p.is_renewal),
        "pairs_renewed": sum(1 for p in new if p.is_renewal),
        "pairs_active_end": sum(
            1
            for p in pairs
            if p.started_at is not None
            and p.started_at <= period.end
            and (p.ended_at is None or p.ended_at > period.end)
        ),
        "pairs_closed": len(clo),
        "closed_before_6_months_share": (sum(1 for p in clo if duration_days(p) < 183) / len(clo))
        if clo
        else None,
        "closed_before_12_months_share": (sum(1 for p in clo if duration_days(p) < 365) / len(clo))
        if clo
        else None,
        "duration_avg": round(statistics.mean(duration_days(p) for p in clo), 1) if clo else None,
        "time_to_match_avg": round(statistics.mean(waits), 1) if waits else None,
        "time_to_match_median": round(statistics.median(waits), 1) if waits else None,
        "delay_referral_to_first_meeting_avg": round(statistics.mean(to_meeting), 1) if to_meeting else None,
        "delay_referral_to_first_meeting_median": round(statistics.median(to_meeting), 1)
        if to_meeting
        else None,
    }


def youths_by(pairs, period, label_of) -> dict:
    """Distinct youths per label among the pairs followed in the period (labels may be a list)."""
    groups: dict = {}
    for pair in pairs:
        if not followed(pair, period):
            continue
        labels = label_of(pair)
        for label in labels if isinstance(labels, list) else [labels]:
            groups.setdefault(label, set()).add(pair.youth_id)
    return {label: len(ids) for label, ids in groups.items()}


def refreshed(pairs):
    return list(
        Mentorship.objects.filter(pk__in=[p.pk for p in pairs])
        .select_related(
            "youth",
            "youth__school_level",
            "youth__care_measure",
            "youth__territory",
            "association",
            "referral",
        )
        .prefetch_related("youth__objectives")
    )


def eligible_youths(departement, on):
    """Eligible on a day, written out: in care, aged 11 to 20, or entered collège (6e) under 21."""
    result = []
    for youth in Youth.objects.filter(departement=departement).select_related("school_level"):
        if youth.archived_at is not None:
            continue
        age = age_on(youth.birth_date, on)
        college = youth.school_level is not None and youth.school_level.code == "6e"
        if age <= 20 and (age >= 11 or college):
            result.append(youth)
    return result


def lifecycle_reference(pairs, period, associations) -> dict:
    """Meetings, closures, activities and exit surveys of the pairs, recomputed from the rows."""

    def within(moment):
        return moment is not None and period.start <= local(moment) <= period.end

    ids = [p.pk for p in pairs]
    meetings = [m for m in Meeting.objects.filter(mentorship__in=ids) if within(m.at)]
    held = [m for m in meetings if m.status == "held"]
    no_show = [m for m in meetings if m.status == "no_show"]
    closed_pairs = [p for p in pairs if closed(p, period)]
    followed_count = sum(1 for p in pairs if followed(p, period))
    responses = [
        r
        for r in SurveyResponse.objects.filter(mentorship__in=ids, kind="exit", respondent="youth")
        .prefetch_related("answers")
        .select_related("mentorship")
        if within(r.answered_at)
    ]

    def agreeing(code):
        return len(
            {
                r.mentorship.youth_id
                for r in responses
                if any(a.question == code and a.value >= 4 for a in r.answers.all())
            }
        )

    return {
        "meetings_held": len(held),
        "meetings_remote_share": (sum(1 for m in held if m.modality == "remote") / len(held))
        if held
        else None,
        "attendance_rate": (len(held) / (len(held) + len(no_show))) if held or no_show else None,
        "meetings_per_pair_month": round(len(held) / followed_count / len(period.months()), 2)
        if followed_count
        else None,
        "pairs_objective_reached": sum(1 for p in closed_pairs if p.objectives_reached == "yes"),
        "pairs_objective_partly": sum(1 for p in closed_pairs if p.objectives_reached == "partly"),
        "pairs_abandoned": sum(1 for p in closed_pairs if p.closure_category == "pair"),
        "events_organised": sum(
            1 for a in Activity.objects.filter(association__in=associations) if within(a.starts_at)
        ),
        "exit_surveys": len({r.mentorship.youth_id for r in responses}),
        "impact_confidence": agreeing("self_confidence"),
        "impact_grades": agreeing("grades"),
        "impact_internship": agreeing("internship_job"),
        "impact_psychosocial": agreeing("psychosocial"),
        "impact_someone_to_count_on": agreeing("someone_to_count_on"),
    }
