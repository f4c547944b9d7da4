"""A synthetic France for benchmarks (issue 7): 100 départements, 600 associations, 300,000 youths,
250,000 pairs and 3,000,000 meetings over 10 years — `manage.py seed_demo --scale national`.
Kept in bench/, beside the benchmarks that read it: no application imports it.

Why not the services, as the demo département does: the services check each row, write its history
(django-simple-history), its timeline events, its access-log entries and its notifications, one
transaction per action. At this scale that is tens of millions of extra rows and hours of work, and
none of it is what the benchmarks read. Here rows go straight to the tables: PostgreSQL's COPY (a few
minutes for everything), `bulk_create` on other databases (for small fractions, in tests). The values
follow the services' rules where the indicators read them: one open pair per youth, renewals after a
closed pair, referral matched for a youth in a pair, meeting counts kept on the pair, closure category
from the reason, eligible ages, archived youths out of care.

Fields added later to a model get their default, so the seed keeps working as models grow. Tables that
do not exist yet (a model without its migration) are skipped, with a note.

Every organisation's name starts with « France synthétique » and the seed refuses to run twice.
Names of people are drawn from the demo's lists: fictional.
"""

import datetime
import json
import math
import random
import time
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from binome.accounts.models import OrganisationKind
from binome.conventions.models import ConventionStatus
from binome.demo.builders import BOYS, GIRLS, SURNAMES
from binome.references.defaults import DEFAULTS
from binome.references.models import ReferenceKind
from binome.territories.services import departement_official_name
from binome.utils.choices import Modality
from binome.utils.dates import years_before

PREFIX = "France synthétique"
FULL = {
    "departements": 100,
    "associations": 600,
    "youths": 300_000,
    "pairs": 250_000,
    "meetings": 3_000_000,
    "years": 10,
}
SERVICES_PER_DEPARTEMENT = 5
TERRITORIES_PER_DEPARTEMENT = 4
MENTORS_PER_PAIR = 0.6  # mentors take a second pair over the years
# INSEE codes of the départements, in order; the seed takes the first free ones.
CODES = (
    [f"{n:02d}" for n in range(1, 20)]
    + ["2A", "2B"]
    + [f"{n:02d}" for n in range(21, 96)]
    + ["971", "972", "973", "974", "976"]
)
LEVEL_BY_AGE = {11: "6e", 12: "5e", 13: "4e", 14: "3e", 15: "2nde", 16: "1re", 17: "tle"}
CARE_MEASURES = [
    ("placement_judiciaire", 50),
    ("accueil_provisoire", 15),
    ("dap", 5),
    ("tutelle", 3),
    ("pupille", 3),
    ("apjm", 12),
    ("aed", 6),
    ("aemo", 6),
]
CLOSURE_REASONS = [  # (reason, category, weight): most closures come from the mentor's side
    ("mentor_unavailable", "pair", 24),
    ("youth_disengaged", "pair", 14),
    ("relationship", "pair", 5),
    ("move", "pair", 8),
    ("end_of_measure", "ase", 9),
    ("age_limit", "ase", 6),
    ("not_in_interest", "ase", 2),
    ("consent_withdrawn", "ase", 1),
    ("safety", "safety", 0.5),
    ("honorability", "safety", 0.5),
    ("planned_end", "natural", 25),
    ("no_longer_needed", "natural", 5),
]
EXIT_QUESTIONS = [
    "self_confidence",
    "grades",
    "internship_job",
    "psychosocial",
    "someone_to_count_on",
    "satisfaction",
]


@dataclass
class Counts:
    rows: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    seconds: float = 0.0

    def add(self, table, n):
        self.rows[table] = self.rows.get(table, 0) + n


class Writer:
    """Inserts rows into a model's table: COPY on PostgreSQL, bulk_create elsewhere. Columns a row
    does not give take the field's default (so fields added later by other features are filled)."""

    def __init__(self, rng, counts, log):
        self.rng, self.counts, self.log = rng, counts, log
        self.now = timezone.now()
        self.tables = set(connection.introspection.table_names())

    def has(self, model) -> bool:
        return model._meta.db_table in self.tables

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def insert(self, model, names: list[str], rows) -> int:
        """`names`: attnames given by each row (a tuple in that order)."""
        if not self.has(model):
            self.counts.skipped.append(model._meta.db_table)
            self.log(f"  table {model._meta.db_table} absente (migration à venir ?) : ignorée")
            return 0
        fields = list(model._meta.concrete_fields)
        given = set(names)
        # Serial primary keys (many-to-many tables, answers) are the database's to number.
        extra = [f for f in fields if f.attname not in given and not isinstance(f, models.AutoField)]
        extra_values = tuple(self._default(f) for f in extra)
        columns = list(names) + [f.attname for f in extra]
        by_attname = {f.attname: f for f in fields}
        json_positions = [
            i for i, n in enumerate(columns) if by_attname[n].get_internal_type() == "JSONField"
        ]
        count = 0
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            quoted = ", ".join(connection.ops.quote_name(by_attname[n].column) for n in columns)
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    values = row + extra_values
                    if json_positions:
                        values = list(values)
                        for i in json_positions:
                            values[i] = Jsonb(values[i])
                    copy.write_row(values)
                    count += 1
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns, row + extra_values, strict=True))))
                if len(batch) == 2000:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            model.objects.bulk_create(batch)
            count += len(batch)
        self.counts.add(model._meta.db_table, count)
        return count

    def _default(self, field):
        if field.attname in ("created_at", "updated_at") or getattr(field, "auto_now", False):
            return self.now
        if getattr(field, "auto_now_add", False):
            return self.now
        value = field.get_default()
        return json.loads(json.dumps(value)) if isinstance(value, list | dict) else value


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def already_built() -> bool:
    Organisation = apps.get_model("accounts.Organisation")
    return Organisation.objects.filter(name__startswith=PREFIX).exists()


def build_national(*, fraction: float = 1.0, seed: int = 2026, log=print) -> Counts:
    """Build the synthetic France (or a fraction of it, for tests). Refuses to build it twice."""
    if already_built():
        raise RuntimeError("La France synthétique existe déjà dans cette base.")
    started = time.perf_counter()
    rng = random.Random(seed)
    counts = Counts()
    writer = Writer(rng, counts, log)
    size = {key: max(1, round(value * fraction)) for key, value in FULL.items() if key != "years"}
    size["departements"] = max(2, min(100, round(100 * math.sqrt(fraction)) if fraction < 1 else 100))
    size["associations"] = max(size["departements"], size["associations"])
    today = timezone.localdate()
    first_day = years_before(today, FULL["years"])
    with transaction.atomic():
        world = _organisations(writer, rng, size, first_day, log)
        _mentors(writer, rng, world, size, first_day, today, log)
        _youths_and_pairs(writer, rng, world, size, first_day, today, log)
    if connection.vendor == "postgresql":
        # As autovacuum would do soon after: statistics for the planner, and the visibility map that
        # lets index-only scans skip the table.
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # inside a test's transaction: no VACUUM, no CLUSTER
                cursor.execute("ANALYZE")
            else:
                _cluster_by_date(cursor)
                cursor.execute("VACUUM ANALYZE")
    counts.seconds = time.perf_counter() - started
    return counts


def _cluster_by_date(cursor):
    """In real life meetings and questionnaires are written as they happen, so one month's rows sit
    together on disk; the seed writes them pair by pair. Reorder them by date, as time would have."""
    tables = set(connection.introspection.table_names())
    for label, fields in (
        ("mentorships.Meeting", ["status", "at"]),
        ("surveys.SurveyResponse", ["kind", "respondent", "answered_at"]),
    ):
        model = _model(label)
        if model is None or model._meta.db_table not in tables:
            continue
        index = next((i for i in model._meta.indexes if list(i.fields) == fields), None)
        if index is not None:
            table, name = (connection.ops.quote_name(n) for n in (model._meta.db_table, index.name))
            cursor.execute(f"CLUSTER {table} USING {name}")


# --- Organisations, reference lists, territories -------------------------------------------------------


@dataclass
class World:
    departements: list = field(default_factory=list)  # (id, weight)
    services: dict = field(default_factory=dict)  # departement id -> [service ids]
    territories: dict = field(default_factory=dict)
    references: dict = field(default_factory=dict)  # (departement id, kind) -> {code: id}
    associations: dict = field(default_factory=dict)  # departement id -> [association ids]
    mentors: dict = field(default_factory=dict)  # association id -> [mentor ids]


def _name(code: str) -> str:
    """« France synthétique — Département de l'Ain », with the article INSEE gives the département."""
    try:
        return f"{PREFIX} — {departement_official_name(code)}"
    except ValueError:
        return f"{PREFIX} — Département {code}"


def _organisations(writer, rng, size, first_day, log) -> World:
    Organisation = apps.get_model("accounts.Organisation")
    ReferenceItem = apps.get_model("references.ReferenceItem")
    Territory = apps.get_model("territories.Territory")
    Convention = apps.get_model("conventions.Convention")
    used = set(Organisation.objects.departements().values_list("insee_code", flat=True))
    codes = [c for c in CODES if c not in used][: size["departements"]]
    world = World()
    org_rows, ref_rows, territory_rows, convention_rows = [], [], [], []
    agreed_at = datetime.datetime.combine(first_day, datetime.time(12), tzinfo=datetime.UTC)
    for code in codes:
        departement = writer.uuid()
        # Département sizes vary about tenfold, as their populations do.
        world.departements.append((departement, rng.lognormvariate(0, 0.7)))
        org_rows.append((departement, OrganisationKind.DEPARTEMENT, _name(code), None, code, None))
        world.services[departement] = []
        for n in range(1, SERVICES_PER_DEPARTEMENT + 1):
            service = writer.uuid()
            world.services[departement].append(service)
            org_rows.append(
                (
                    service,
                    OrganisationKind.ASE_SERVICE,
                    f"{PREFIX} — ASE {code} — Service {n}",
                    departement,
                    "",
                    None,
                )
            )
        world.territories[departement] = []
        for n in range(1, TERRITORIES_PER_DEPARTEMENT + 1):
            territory = writer.uuid()
            world.territories[departement].append(territory)
            territory_rows.append((territory, departement, f"Territoire {n}"))
        for kind, items in DEFAULTS.items():
            ids = {}
            for position, (item_code, label) in enumerate(items):
                item = writer.uuid()
                ids[item_code] = item
                ref_rows.append((item, departement, kind, item_code, label, position, True))
            world.references[(departement, kind)] = ids
    # Associations: each works for one département, some for a neighbour too.
    weights = [w for _d, w in world.departements]
    ids = [d for d, _w in world.departements]
    home = ids + rng.choices(ids, weights, k=size["associations"] - len(ids))
    for n, departement in enumerate(home, start=1):
        association = writer.uuid()
        org_rows.append(
            (
                association,
                OrganisationKind.ASSOCIATION,
                f"{PREFIX} — Association {n:03d}",
                None,
                "",
                departement,
            )
        )
        served = [departement]
        if rng.random() < 0.15:
            served.append(rng.choice(ids))
        for served_departement in dict.fromkeys(served):
            world.associations.setdefault(served_departement, []).append(association)
            convention_rows.append(
                (
                    writer.uuid(),
                    served_departement,
                    association,
                    ConventionStatus.ACTIVE,
                    first_day,
                    None,
                    agreed_at,
                )
            )
    writer.insert(
        Organisation, ["id", "kind", "name", "departement_id", "insee_code", "home_departement_id"], org_rows
    )
    writer.insert(
        ReferenceItem, ["id", "departement_id", "kind", "code", "label", "position", "is_active"], ref_rows
    )
    writer.insert(Territory, ["id", "departement_id", "name"], territory_rows)
    writer.insert(
        Convention,
        ["id", "departement_id", "association_id", "status", "start_date", "end_date", "accepted_at"],
        convention_rows,
    )
    log(f"  {len(codes)} départements, {len(home)} associations, {len(convention_rows)} conventions")
    return world


# --- Mentors ---------------------------------------------------------------------------------------------


def _mentors(writer, rng, world, size, first_day, today, log):
    Mentor = apps.get_model("mentors.Mentor")
    associations = sorted({a for ids in world.associations.values() for a in ids})
    total = max(len(associations), round(size["pairs"] * MENTORS_PER_PAIR))
    span = (today - first_day).days
    stages = [
        ("in_pair", 30),
        ("ready", 20),
        ("left", 30),
        ("paused", 5),
        ("training", 5),
        ("vetting", 3),
        ("candidate", 7),
    ]
    stage_names, stage_weights = zip(*stages, strict=True)

    def rows():
        for n in range(total):
            association = associations[n % len(associations)]
            mentor = writer.uuid()
            world.mentors.setdefault(association, []).append(mentor)
            gender = rng.choice("fm")
            stage = rng.choices(stage_names, stage_weights)[0]
            applied = first_day + datetime.timedelta(days=int(span * math.sqrt(rng.random())))
            created = timezone.make_aware(datetime.datetime.combine(applied, datetime.time(10)))
            yield (
                mentor,
                association,
                rng.choice(GIRLS if gender == "f" else BOYS),
                rng.choice(SURNAMES),
                f"mentor{n}@national.example",
                today - datetime.timedelta(days=rng.randint(19 * 365, 70 * 365)),
                gender,
                rng.choice(["student", "employed", "retired"]),
                "Transmettre ce que l'on m'a donné.",
                rng.choice(Modality.values),
                stage,
                stage in ("in_pair", "ready", "paused", "left"),
                today + datetime.timedelta(days=rng.randint(-30, 330))
                if stage in ("in_pair", "ready")
                else None,
                1 if stage == "in_pair" else 0,
                created,
                created,
            )

    writer.insert(
        Mentor,
        [
            "id",
            "association_id",
            "first_name",
            "last_name",
            "email",
            "birth_date",
            "gender",
            "occupation",
            "motivation",
            "modality",
            "stage",
            "training_complete",
            "honorability_valid_until",
            "current_pairs",
            "created_at",
            "stage_since",
        ],
        rows(),
    )
    log(f"  {total} mentors")


# --- Youths, referrals, pairs, meetings, exit surveys ----------------------------------------------------


def _moment(day: datetime.date, rng) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(8, 19), rng.randint(0, 59)))
    )


def _youths_and_pairs(writer, rng, world, size, first_day, today, log):
    Youth = apps.get_model("youths.Youth")
    Referral = apps.get_model("youths.Referral")
    Mentorship = apps.get_model("mentorships.Mentorship")
    span = (today - first_day).days
    ids = [d for d, _w in world.departements]
    weights = [w for _d, w in world.departements]
    n_youths, n_pairs = size["youths"], size["pairs"]
    # 14 % of the pairs are renewals: a second pair for the same youth after the first closed.
    renewals = round(n_pairs * 0.14)
    with_pair = n_pairs - renewals
    meetings_per_month = size["meetings"] / max(1, n_pairs) / 9.8  # 12 a pair (cancelled ones included)
    youth_rows, referral_rows, pair_rows, objective_rows, meeting_plan = [], [], [], [], []
    renewals_made = 0
    measures, measure_weights = zip(*CARE_MEASURES, strict=True)
    reasons = [(r, c) for r, c, _w in CLOSURE_REASONS]
    reason_weights = [w for _r, _c, w in CLOSURE_REASONS]
    for n in range(n_youths):
        departement = rng.choices(ids, weights)[0]
        associations = world.associations.get(departement) or [
            a for ids_ in world.associations.values() for a in ids_
        ]
        youth = writer.uuid()
        gender = rng.choices(["f", "m", "x"], [48, 50, 2])[0]
        has_pair = n < with_pair
        pairs = []
        if has_pair:
            # More pairs in recent years: the programme grows.
            validated_day = first_day + datetime.timedelta(days=int(span * math.sqrt(rng.random())))
            age_then = rng.choices(range(11, 20), [8, 10, 12, 13, 13, 12, 11, 11, 10])[0]
            birth = years_before(validated_day, age_then) - datetime.timedelta(days=rng.randint(0, 360))
            # Ask for a renewal while fewer were made than planned so far (only a closed pair renews).
            chain = 2 if renewals_made < renewals * (n + 1) / with_pair else 1
            pairs = _pair_chain(rng, validated_day, chain, today)
            renewals_made += len(pairs) - 1
        else:
            birth = years_before(today, rng.randint(8, 20)) - datetime.timedelta(days=rng.randint(0, 360))
        age_now = (today - birth).days // 365
        last_end = pairs[-1]["ended"] if pairs else None
        archived = age_now >= 21 or (
            last_end is not None and (today - last_end).days > 365 and rng.random() < 0.7
        )
        level = LEVEL_BY_AGE.get(age_now) or (
            rng.choice(["cap", "bac_pro", "post_bac", "insertion"]) if age_now >= 18 else "cm2"
        )
        refs = world.references
        measure = rng.choices(measures, measure_weights)[0]
        if measure == "apjm" and age_now < 18:
            measure = "placement_judiciaire"
        if pairs:
            outcome = "accepted"
        else:
            outcome = rng.choices(
                ["", "accepted", "postponed", "declined_youth", "not_in_interest"], [45, 35, 8, 8, 4]
            )[0]
        assessed = today - datetime.timedelta(days=rng.randint(10, 500)) if outcome else None
        youth_rows.append(
            (
                youth,
                departement,
                rng.choice(world.services[departement]),
                f"NAT-{n:07d}",
                rng.choice(GIRLS if gender == "f" else BOYS),
                rng.choice(SURNAMES),
                birth,
                gender,
                refs[(departement, ReferenceKind.SCHOOL_LEVEL)].get(level),
                refs[(departement, ReferenceKind.CARE_MEASURE)][measure],
                "young_adult"
                if age_now >= 18
                else rng.choices(["parents", "delegated", "ward"], [76, 20, 4])[0],
                rng.choice(world.territories[departement]) if rng.random() < 0.95 else None,
                rng.choices(Modality.values, [70, 15, 15])[0],
                assessed,
                True if assessed else None,
                bool(pairs) or (outcome == "accepted" and rng.random() < 0.6),
                outcome,
                assessed,
                _moment(today, rng) if archived else None,
            )
        )
        objectives = list(refs[(departement, ReferenceKind.OBJECTIVE)].values())
        for objective in rng.sample(objectives, rng.choice([1, 1, 2])):
            objective_rows.append((youth, objective))
        association = rng.choice(associations)
        if pairs:
            for pair in pairs:
                pair["validated_at"] = _moment(pair["validated"], rng)
                pair["accepted_at"] = pair["validated_at"] - datetime.timedelta(
                    days=pair["wait"], hours=rng.randint(1, 8)
                )
            first = pairs[0]
            submitted = first["accepted_at"] - datetime.timedelta(days=rng.randint(2, 30))
            referral_rows.append(
                (
                    writer.uuid(),
                    youth,
                    departement,
                    "matched",
                    association,
                    submitted,
                    submitted + datetime.timedelta(days=1),
                    first["accepted_at"],
                    first["validated_at"],
                )
            )
            mentors = world.mentors[association]
            previous = None
            for step, pair in enumerate(pairs):
                pair_id = writer.uuid()
                closed = pair["ended"] is not None
                reason, category = rng.choices(reasons, reason_weights)[0] if closed else ("", "")
                months = ((pair["ended"] or today) - pair["start"]).days / 30.4
                meetings = max(1, round(months * meetings_per_month * rng.uniform(0.5, 1.5)))
                remote = sum(1 for _ in range(meetings) if rng.random() < 0.22)
                pair_rows.append(
                    (
                        pair_id,
                        association,
                        departement,
                        youth,
                        rng.choice(mentors),
                        "closed" if closed else pair["state"],
                        step > 0,
                        previous,
                        pair["accepted_at"],
                        pair["validated_at"],
                        pair["started"],
                        pair["ended"],
                        "" if closed else rng.choices(["green", "orange", "red"], [65, 20, 15])[0],
                        meetings - remote,
                        remote,
                        category,
                        reason,
                        (
                            rng.choices(["yes", "mostly", "partly", "no"], [35, 25, 25, 15])[0]
                            if closed
                            else ""
                        ),
                        (rng.random() < 0.7) if closed else None,
                    )
                )
                meeting_plan.append(
                    (pair_id, pair["start"], pair["ended"] or today, meetings, remote, closed)
                )
                previous = pair_id
        elif outcome == "accepted" and rng.random() < 0.7:
            state = rng.choices(
                ["draft", "submitted", "routed", "accepted", "declined"], [15, 15, 20, 40, 10]
            )[0]
            sent = _moment(today - datetime.timedelta(days=rng.randint(1, 120)), rng)
            routed = state in ("routed", "accepted", "declined")
            referral_rows.append(
                (
                    writer.uuid(),
                    youth,
                    departement,
                    state,
                    association if routed else None,
                    None if state == "draft" else sent,
                    sent + datetime.timedelta(days=2) if routed else None,
                    sent + datetime.timedelta(days=5) if state == "accepted" else None,
                    None,
                )
            )
    writer.insert(
        Youth,
        [
            "id",
            "departement_id",
            "ase_service_id",
            "external_id",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "school_level_id",
            "care_measure_id",
            "legal_status",
            "territory_id",
            "modality",
            "assessment_date",
            "assessment_in_interest",
            "consents_complete",
            "proposal_outcome",
            "proposal_date",
            "archived_at",
        ],
        youth_rows,
    )
    log(f"  {len(youth_rows)} jeunes")
    writer.insert(Youth.objectives.through, ["youth_id", "referenceitem_id"], objective_rows)
    writer.insert(
        Referral,
        [
            "id",
            "youth_id",
            "departement_id",
            "state",
            "association_id",
            "submitted_at",
            "routed_at",
            "accepted_at",
            "matched_at",
        ],
        referral_rows,
    )
    log(f"  {len(referral_rows)} orientations")
    pair_fields = [
        "id",
        "association_id",
        "departement_id",
        "youth_id",
        "mentor_id",
        "state",
        "is_renewal",
        "previous_id",
        "referral_accepted_at",
        "validated_at",
        "started_at",
        "ended_at",
        "colour",
        "meetings_in_person",
        "meetings_remote",
        "closure_category",
        "closure_reason",
        "objectives_reached",
        "frequency_kept",
    ]
    available = {f.attname for f in Mentorship._meta.concrete_fields}
    keep = [i for i, name in enumerate(pair_fields) if name in available]
    writer.insert(
        Mentorship, [pair_fields[i] for i in keep], (tuple(row[i] for i in keep) for row in pair_rows)
    )
    log(f"  {len(pair_rows)} binômes")
    del youth_rows, referral_rows, objective_rows
    _meetings(writer, rng, meeting_plan, log)
    _exit_surveys(writer, rng, pair_rows, log)


def _pair_chain(rng, validated_day, chain, today) -> list[dict]:
    """One pair, or a pair then its renewal; only the last may still be open."""
    pairs = []
    day = validated_day
    for step in range(chain):
        wait = rng.choices([rng.randint(0, 14), rng.randint(15, 45), rng.randint(46, 150)], [45, 40, 15])[0]
        started = day + datetime.timedelta(days=rng.randint(3, 30)) if rng.random() < 0.95 else None
        start = started or day
        # Durations: many short ones (38 % close early), a long tail past 12 months.
        months = rng.choices([rng.uniform(0.5, 6), rng.uniform(6, 12), rng.uniform(12, 30)], [36, 34, 30])[0]
        ended = start + datetime.timedelta(days=int(months * 30.4))
        last = step == chain - 1
        if ended >= today:
            ended = None
        if ended is None and not last:
            return [
                *pairs,
                {
                    "validated": day,
                    "wait": wait,
                    "started": started,
                    "start": start,
                    "ended": None,
                    "state": "active",
                },
            ]
        state = "active" if started and started <= today else "agreement"
        pairs.append(
            {
                "validated": day,
                "wait": wait,
                "started": started,
                "start": start,
                "ended": ended,
                "state": state,
            }
        )
        if ended is None:
            break
        day = ended + datetime.timedelta(days=rng.randint(0, 20))
        if day >= today:
            break
    return pairs


def _meetings(writer, rng, plan, log):
    Meeting = _model("mentorships.Meeting")
    if Meeting is None:
        writer.counts.skipped.append("mentorships.Meeting")
        return

    def rows():
        for pair_id, start, end, held, remote, closed in plan:
            length = max(1, (end - start).days)
            cancelled = sum(1 for _ in range(held) if rng.random() < 0.08)
            total = held + cancelled
            remote_left = remote
            for i in range(total):
                day = start + datetime.timedelta(days=int(length * (i + rng.random()) / total))
                status = "held" if i < held else rng.choice(["cancelled", "no_show"])
                kind = "launch" if i == 0 else "closing" if closed and i == held - 1 else "session"
                modality = (
                    "remote" if status == "held" and remote_left > 0 and rng.random() < 0.3 else "in_person"
                )
                if modality == "remote":
                    remote_left -= 1
                yield (writer.uuid(), pair_id, kind, status, _moment(day, rng), 90, modality)

    count = writer.insert(
        Meeting, ["id", "mentorship_id", "kind", "status", "at", "duration_minutes", "modality"], rows()
    )
    log(f"  {count} rencontres")


def _exit_surveys(writer, rng, pair_rows, log):
    """Youths' end questionnaires for 60 % of the closed pairs, answered on a 1–5 scale."""
    Response = _model("surveys.SurveyResponse")
    Answer = _model("surveys.SurveyAnswer")
    if Response is None or Answer is None:
        return
    responses, answers = [], []
    for row in pair_rows:
        pair_id, ended = row[0], row[11]
        if ended is None or rng.random() > 0.6:
            continue
        response = writer.uuid()
        responses.append(
            (
                response,
                pair_id,
                "exit",
                "youth",
                ended,
                _moment(ended + datetime.timedelta(days=rng.randint(0, 20)), rng),
            )
        )
        for question in EXIT_QUESTIONS:
            answers.append((response, question, rng.choices([1, 2, 3, 4, 5], [5, 8, 20, 35, 32])[0]))
    if not writer.has(Response) or not writer.has(Answer):
        writer.counts.skipped.append("surveys")
        return
    writer.insert(Response, ["id", "mentorship_id", "kind", "respondent", "due_on", "answered_at"], responses)
    writer.insert(Answer, ["response_id", "question", "value"], answers)
    log(f"  {len(responses)} questionnaires de fin")


def seed_command(command, *, fraction: float) -> None:
    """`seed_demo --scale national`: PostgreSQL only at full scale (COPY), any database for a fraction."""
    from django.core.management.base import CommandError

    if not 0 < fraction <= 1:
        raise CommandError("--fraction : entre 0 (exclu) et 1.")
    if connection.vendor != "postgresql" and fraction > 0.05:
        raise CommandError(
            "La France synthétique se construit sur PostgreSQL (DATABASE_URL=postgres://…) ; "
            "sur une autre base, seulement une fraction (--fraction 0.01)."
        )
    if already_built():
        command.stdout.write("La France synthétique existe déjà dans cette base : rien à faire.")
        return
    counts = build_national(fraction=fraction, log=command.stderr.write)
    summary = ", ".join(f"{table} {n:,}".replace(",", " ") for table, n in counts.rows.items())
    command.stdout.write(
        command.style.SUCCESS(f"France synthétique prête en {counts.seconds:.0f} s : {summary}")
    )
    if counts.skipped:
        command.stdout.write(f"Tables absentes, ignorées : {', '.join(sorted(set(counts.skipped)))}")
