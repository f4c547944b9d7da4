"""Times steering at national scale (issue 7) — see bench/STEERING.md.

On the synthetic France of `seed_demo --scale national`, prints one JSON line per measure, each beside
the time of a bare SQL GROUP BY over the same rows (the floor no dashboard can beat):

- `departement_dashboard`: the département's dashboard for a month, requested as its pilot through
  Django's test client (middleware, view, every query, template) — target under 500 ms;
- `national_rollup`: every département side by side (`summaries.national_rollup`) — under 2 s;
- `export`: the département's tableau de pilotage, 5 tabs, written to a file — under 10 s.
"""

import json
import statistics
import tempfile
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.national import PREFIX
from binome.accounts.models import Membership, Organisation, Role, User
from binome.mentorships.models import Mentorship
from binome.steering.exports import write_steering_workbook
from binome.steering.periods import Period, default_period
from binome.steering.summaries import national_rollup

TARGETS_MS = {"departement_dashboard": 500, "national_rollup": 2000, "export": 10_000}
PILOT_EMAIL = "bench.national.pilote@bench.example"

FLOOR_PAIRS = """
SELECT {group}, COUNT(*) FROM mentorships_mentorship
WHERE {where} validated_at < %s AND (ended_at IS NULL OR ended_at >= %s)
GROUP BY {group}
"""
FLOOR_YOUTHS = """
SELECT departement_id, COUNT(*) FROM youths_youth
WHERE archived_at IS NULL AND birth_date > %s AND birth_date <= %s
GROUP BY departement_id
"""


class Command(BaseCommand):
    help = "Mesure le tableau de bord d'un département, la synthèse nationale et l'export, à l'échelle nationale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement", help="code INSEE (par défaut : le plus grand de la France synthétique)"
        )
        parser.add_argument("--period", help="AAAA-MM (par défaut : le dernier mois complet)")
        parser.add_argument("--runs", type=int, default=7, help="mesures par cas (après 2 de chauffe)")
        parser.add_argument("--export-runs", type=int, default=3)

    def handle(self, *args, departement, period, runs, export_runs, **options):
        if runs < 1 or export_runs < 1:
            raise CommandError("--runs et --export-runs valent au moins 1.")
        period = Period.parse(period) if period else default_period()
        organisation = self.departement(departement)
        pilot = self.pilot(organisation)
        n_pairs = Mentorship.objects.filter(departement=organisation).count()
        context = {
            "period": period.key,
            "departement": organisation.insee_code,
            "departement_pairs": n_pairs,
            "national_pairs": Mentorship.objects.count(),
            "vendor": connection.vendor,
        }
        self.emit(
            "departement_dashboard",
            self.dashboard(pilot, period, runs),
            self.floor_departement(organisation, period, runs),
            context,
        )
        self.emit("national_rollup", self.rollup(period, runs), self.floor_national(period, runs), context)
        self.emit("export", self.export(organisation, period, export_runs), None, context)

    # --- Cases ----------------------------------------------------------------------------------------

    def dashboard(self, pilot, period, runs) -> dict:
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(
            DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
        ):
            client = Client()
            client.force_login(pilot)
            url = f"{reverse('steering:dashboard')}?periode={period.key}"

            def request():
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} a répondu {response.status_code}.")

            timings = _time(request, runs)
            with CaptureQueriesContext(connection) as captured:
                request()
        return {**timings, "queries": len(captured.captured_queries)}

    def rollup(self, period, runs) -> dict:
        rows = []
        timings = _time(lambda: rows.append(len(national_rollup(period))), runs)
        return {**timings, "departements": rows[-1]}

    def export(self, departement, period, runs) -> dict:
        sizes = []

        def write():
            with tempfile.TemporaryFile() as handle:
                write_steering_workbook(handle, departement=departement, period=period)
                sizes.append(handle.tell())

        timings = _time(write, runs, warmup=1)
        return {**timings, "bytes": sizes[-1]}

    # --- Floors: a bare GROUP BY over the same rows -------------------------------------------------------

    def floor_departement(self, departement, period, runs) -> dict:
        sql = FLOOR_PAIRS.format(group="association_id", where="departement_id = %s AND")
        params = [departement.pk, period.end_before, period.start]
        return _time(lambda: _fetch(sql, params), runs)

    def floor_national(self, period, runs) -> dict:
        from binome.utils.dates import years_before

        pairs = FLOOR_PAIRS.format(group="departement_id", where="")
        youths_params = [years_before(period.end, 21), years_before(period.end, 11)]

        def both():
            _fetch(pairs, [period.end_before, period.start])
            _fetch(FLOOR_YOUTHS, youths_params)

        return _time(both, runs)

    # --- Setup ----------------------------------------------------------------------------------------

    def departement(self, code):
        departements = Organisation.objects.departements().filter(name__startswith=PREFIX)
        if code:
            organisation = departements.filter(insee_code=code).first()
        else:
            organisation = departements.annotate(n=Count("youths")).order_by("-n").first()
        if organisation is None:
            raise CommandError(
                "Pas de France synthétique ici : lancez `manage.py seed_demo --scale national`."
            )
        return organisation

    def pilot(self, departement) -> User:
        user = User.objects.filter(email=PILOT_EMAIL).first() or User.objects.create_user(
            email=PILOT_EMAIL, first_name="Paula", last_name="Pilote"
        )
        Membership.objects.filter(user=user).exclude(organisation=departement).delete()
        Membership.objects.get_or_create(user=user, organisation=departement, defaults={"role": Role.PILOT})
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        return user

    def emit(self, case, measured, floor, context):
        result = {"case": case, **measured, "target_ms": TARGETS_MS[case]}
        result["under_target"] = measured["median_ms"] < TARGETS_MS[case]
        if floor is not None:
            result["floor_median_ms"] = floor["median_ms"]
            result["times_floor"] = round(measured["median_ms"] / max(floor["median_ms"], 0.01), 1)
        self.stdout.write(json.dumps({**result, **context}, ensure_ascii=False))


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _time(function, runs, warmup=2) -> dict:
    for _ in range(warmup):
        function()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(timings[0], 1),
        "max_ms": round(timings[-1], 1),
        "runs": runs,
    }
