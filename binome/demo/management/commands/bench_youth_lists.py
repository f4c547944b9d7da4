"""Times the list of youths for a département of 10,000 youths (issue 3: under 300 ms on PostgreSQL,
with a fixed number of queries). See bench/README.md.

Builds, once, a synthetic département "BENCH" (code 99, never used by the demo) with bulk inserts —
bench data does not go through the services — then requests the list as its pilot and as a referrer
with Django's test client, and prints one JSON line per page.
"""

import datetime
import json
import random
import re
import statistics
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from binome.conventions.models import Convention, ConventionStatus
from binome.demo.builders import BOYS, GIRLS, INTERESTS, SLOTS_LIKELY, SURNAMES
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Commune, Territory
from binome.utils.choices import Modality
from binome.utils.dates import years_before
from binome.youths.models import LegalStatus, ProposalOutcome, Referral, ReferralState, Youth

TARGET_MS = 300  # issue 3: "render in under 300 ms on PostgreSQL"
BENCH_CODE = "99"  # not a département: INSEE uses 99 for foreign countries
SERVICES = 10
ASSOCIATIONS = 3
PILOT_EMAIL = "bench.pilote@bench.example"
REFERRER_EMAIL = "bench.referent@bench.example"
# (label, query string): the pages the target is about, and a page deep in the list.
PAGES = [
    ("first_page", ""),
    ("to_propose", "?status=to_propose"),
    ("search", "mar"),  # words, not a query string: a search is posted once and kept in the session
    ("waiting", "?status=waiting"),  # filters on the open referral's state (a subquery per youth)
    ("page_100", "?page=100"),
    ("last_page", "?page=9999"),  # out of range: the paginator shows the last page
]
# What a youth's file looks like, in proportions close to the demo's: (weight, story).
STORIES = [
    (20, "new"),
    (14, "assessed"),
    (4, "postponed"),
    (6, "declined"),
    (8, "consents_missing"),
    (6, "ready"),
    (5, ReferralState.DRAFT),
    (5, ReferralState.SUBMITTED),
    (8, ReferralState.ROUTED),
    (14, ReferralState.ACCEPTED),
    (5, ReferralState.MATCHED),
    (2, ReferralState.DECLINED),
    (3, "archived"),
]


class Command(BaseCommand):
    help = "Mesure le temps d'affichage de la liste des jeunes pour un département de 10 000 jeunes."

    def add_arguments(self, parser):
        parser.add_argument("--youths", type=int, default=10_000, help="jeunes dans le département BENCH")
        parser.add_argument("--runs", type=int, default=7, help="mesures par page (après 2 de chauffe)")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="affiche le plan (EXPLAIN ANALYZE) de chaque requête SELECT, sur la sortie d'erreur",
        )

    def handle(self, *args, youths, runs, explain, **options):
        if runs < 1:
            raise CommandError("--runs doit valoir au moins 1.")
        started = time.perf_counter()
        departement, pilot, referrer = self.ensure_departement()
        added = self.ensure_youths(departement, referrer, youths)
        n_youths = Youth.objects.filter(departement=departement).count()
        if added:
            self.analyze()
            self.stderr.write(f"{added} jeunes créés en {time.perf_counter() - started:.1f} s")
        # Production-like: no query log kept by DEBUG, the test client's host allowed, plain static URLs
        # (the manifest of collectstatic is not needed to render a page).
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(
            DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
        ):
            for role, user in (("pilot", pilot), ("referrer", referrer)):
                client = Client()
                client.force_login(user)
                for name, query in PAGES:
                    searched = name == "search"
                    client.post(reverse("youths:list"), {"q": query if searched else ""})
                    label = f"youths:list (recherche « {query} »)" if searched else f"youths:list{query}"
                    result = {"role": role, "page": name, "url": label, "n_youths": n_youths}
                    url = reverse("youths:list") + ("" if searched else query)
                    result.update(self.measure(client, url, runs, explain))
                    self.stdout.write(json.dumps(result, ensure_ascii=False))
                client.post(reverse("youths:list"), {"q": ""})

    # --- Measuring ------------------------------------------------------------------------------

    def measure(self, client, url, runs, explain) -> dict:
        for _ in range(2):  # warm-up: template cache, connection, session
            self.get(client, url)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            response = self.get(client, url)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            response = self.get(client, url)
        if explain:
            self.explain(url, captured.captured_queries)
        shown = re.search(r"<caption>(\d+) jeune", response.content.decode())
        timings.sort()
        return {
            "median_ms": round(statistics.median(timings), 1),
            "p90_ms": round(_percentile(timings, 0.9), 1),
            "under_target": _percentile(timings, 0.9) < TARGET_MS,
            "min_ms": round(timings[0], 1),
            "queries": len(captured.captured_queries),
            "rows_listed": int(shown.group(1)) if shown else None,
            "runs": runs,
            "vendor": connection.vendor,
            "db_version": _db_version(),
        }

    def get(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} a répondu {response.status_code} (attendu : 200).")
        return response

    def explain(self, url, queries):
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        self.stderr.write(f"\n===== {url}")
        with connection.cursor() as cursor:
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(prefix + sql)
                plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
                self.stderr.write(f"\n-- {query['time']} s\n{sql}\n{plan}\n")

    # --- The synthetic département ----------------------------------------------------------------

    @transaction.atomic
    def ensure_departement(self):
        departement, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.DEPARTEMENT,
            insee_code=BENCH_CODE,
            defaults={"name": "Département de test de charge (BENCH)"},
        )
        services = [
            Organisation.objects.get_or_create(
                kind=OrganisationKind.ASE_SERVICE,
                name=f"BENCH — Service ASE {n:02d}",
                departement=departement,
            )[0]
            for n in range(1, SERVICES + 1)
        ]
        today = timezone.localdate()
        for n in range(1, ASSOCIATIONS + 1):
            association, _ = Organisation.objects.get_or_create(
                kind=OrganisationKind.ASSOCIATION, name=f"BENCH — Association {n}"
            )
            Convention.objects.get_or_create(
                departement=departement,
                association=association,
                defaults={
                    "status": ConventionStatus.ACTIVE,
                    "start_date": today - datetime.timedelta(days=365),
                    "end_date": today + datetime.timedelta(days=365),
                    "accepted_at": timezone.now(),
                },
            )
        communes = [
            Commune.objects.get_or_create(
                insee_code=f"{BENCH_CODE}{n:03d}",
                defaults={"name": f"Bench-ville {n}", "departement_code": BENCH_CODE, "population": 1000 * n},
            )[0]
            for n in range(1, 6)
        ]
        for n, chunk in enumerate((communes[:2], communes[2:4], communes[4:]), start=1):
            territory, created = Territory.objects.get_or_create(
                departement=departement, name=f"Territoire {n}"
            )
            if created:
                territory.communes.set(chunk)
        pilot = self.ensure_user(PILOT_EMAIL, "Paula", "Pilote", departement, Role.PILOT)
        referrer = self.ensure_user(REFERRER_EMAIL, "Rémi", "Référent", services[0], Role.REFERRER)
        return departement, pilot, referrer

    def ensure_user(self, email, first_name, last_name, organisation, role) -> User:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, first_name=first_name, last_name=last_name
        )
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        # An authenticator app, as every professional account has: the MFA gate lets the pages through.
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        return user

    @transaction.atomic
    def ensure_youths(self, departement, referrer, wanted: int) -> int:
        existing = Youth.objects.filter(departement=departement).count()
        missing = wanted - existing
        if missing <= 0:
            return 0
        rng = random.Random(existing)
        today = timezone.localdate()
        now = timezone.now()
        services = list(Organisation.objects.filter(departement=departement).order_by("name"))
        associations = list(
            Organisation.objects.filter(conventions_as_association__departement=departement).order_by("name")
        )
        territories = list(Territory.objects.filter(departement=departement).prefetch_related("communes"))
        refs = {
            kind: {i.code: i for i in ReferenceItem.objects.of(departement, kind)} for kind in ReferenceKind
        }
        levels = list(refs[ReferenceKind.SCHOOL_LEVEL].values())
        measures = list(refs[ReferenceKind.CARE_MEASURE].values())
        objectives = list(refs[ReferenceKind.OBJECTIVE].values())
        weights, stories = zip(*STORIES, strict=True)
        youths, referrals, links = [], [], []
        for n in range(existing + 1, existing + missing + 1):
            story = rng.choices(stories, weights)[0]
            age = rng.choices(range(8, 21), [1, 2, 3, 6, 7, 8, 9, 10, 10, 10, 9, 7, 5])[0]
            if age < 11 and story != "archived":
                story = "new"  # not yet eligible
            gender = rng.choice("fm")
            # The referrer's service holds about a tenth of the département, as a large service would.
            service = services[0] if rng.random() < 0.1 else rng.choice(services[1:])
            territory = rng.choice(territories)
            legal_status = (
                LegalStatus.YOUNG_ADULT
                if age >= 18
                else rng.choices([LegalStatus.PARENTS, LegalStatus.DELEGATED, LegalStatus.WARD], [76, 20, 4])[
                    0
                ]
            )
            youth = Youth(
                departement=departement,
                ase_service=service,
                referrer=referrer if service == services[0] and rng.random() < 0.7 else None,
                external_id=f"BENCH-{n:06d}",
                first_name=rng.choice(GIRLS if gender == "f" else BOYS),
                last_name=rng.choice(SURNAMES),
                birth_date=years_before(today, age) - datetime.timedelta(days=rng.randint(1, 360)),
                gender=gender,
                school_level=rng.choice(levels) if rng.random() < 0.9 else None,
                care_measure=rng.choice(measures),
                legal_status=legal_status,
                authority_holders=rng.choice([1, 2]),
                commune=rng.choice(list(territory.communes.all())),
                territory=territory,
                placement_structure="Assistante familiale",
                modality=rng.choice(Modality.values),
                availability=rng.sample(SLOTS_LIKELY, 2),
                interests=", ".join(rng.sample(INTERESTS, 2)),
            )
            self.tell(youth, story, rng, today, now)
            youths.append(youth)
            links.extend((youth, item) for item in rng.sample(objectives, rng.randint(1, 2)))
            if story in ReferralState.values:
                referrals.append(self.referral(youth, story, rng, now, associations))
        Youth.objects.bulk_create(youths, batch_size=500)
        Referral.objects.bulk_create(referrals, batch_size=500)
        Through = Youth.objectives.through
        Through.objects.bulk_create(
            [Through(youth_id=y.pk, referenceitem_id=item.pk) for y, item in links], batch_size=1000
        )
        return missing

    def analyze(self):
        """As autovacuum does soon after a large import: without statistics, PostgreSQL expects one
        youth and sorts the whole département instead of reading the (departement, name) index."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (Youth, Referral, Youth.objectives.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def tell(self, youth, story, rng, today, now):
        """Set the fields the services would have set for this story."""
        if story == "new":
            return
        youth.assessment_date = today - datetime.timedelta(days=rng.randint(5, 400))
        youth.assessment_in_interest = rng.random() < 0.95
        if story in ("assessed", "archived"):
            youth.archived_at = now if story == "archived" else None
            return
        youth.proposal_date = youth.assessment_date + datetime.timedelta(days=rng.randint(0, 20))
        youth.proposal_date = min(youth.proposal_date, today)
        if story == "postponed":
            youth.proposal_outcome = ProposalOutcome.POSTPONED
            youth.proposal_postponed_until = today + datetime.timedelta(days=rng.randint(-30, 120))
            return
        if story == "declined":
            youth.proposal_outcome = ProposalOutcome.DECLINED_YOUTH
            return
        youth.proposal_outcome = ProposalOutcome.ACCEPTED
        youth.consents_complete = story != "consents_missing"

    def referral(self, youth, state, rng, now, associations) -> Referral:
        ago = datetime.timedelta(days=rng.randint(1, 90))
        seen = state in (
            ReferralState.ROUTED,
            ReferralState.ACCEPTED,
            ReferralState.MATCHED,
            ReferralState.DECLINED,
        )
        return Referral(
            youth=youth,
            departement=youth.departement,
            state=state,
            association=rng.choice(associations) if seen else None,
            submitted_at=now - ago if state != ReferralState.DRAFT else None,
            routed_at=now - ago / 2 if seen else None,
            accepted_at=now - ago / 4 if state in (ReferralState.ACCEPTED, ReferralState.MATCHED) else None,
            matched_at=now - ago / 8 if state == ReferralState.MATCHED else None,
            declined_at=now - ago / 4 if state == ReferralState.DECLINED else None,
        )


def _percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (as numpy's default)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def _db_version() -> str:
    if connection.vendor == "postgresql":
        return ".".join(str(part) for part in divmod(connection.pg_version, 10000))
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""
