"""Times the association import on a generated file (issue 7: a 10,000-row file imported with its
validation in under 15 s). See bench/README.md.

Builds, once, a synthetic département (code 98, never used by the demo) with its default reference
lists, 3 territories and one association under convention. Writes an xlsx in the template's layout
with `--rows` pairs in `Données` and as many monthly meeting rows in `Rencontres`, then times, each
`--runs` times after deleting the association's imported rows:

- `dry_run`: read + validate every row + count what would change (the preview);
- `import`: read + validate + write every row (all created);
- `reimport`: the same file again (every row unchanged, nothing written);
- `one_bad_row`: the same file with one bad row near the end (everything validated, nothing written).

Prints one JSON line per measure, then a Markdown table.
"""

import datetime
import io
import json
import os
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from binome.accounts.models import Organisation, OrganisationKind
from binome.conventions.models import Convention, ConventionStatus
from binome.references.models import ReferenceItem, ReferenceKind
from binome.reporting.imports import MEETING_COLUMNS, PAIR_COLUMNS, import_file
from binome.reporting.models import ClosureReason, ReportedPair
from binome.territories.models import Territory
from binome.utils.choices import Gender, Modality

TARGET_S = 15.0
BENCH_CODE = "98"
ASSOCIATION_NAME = "Association de mesure de l'import"


def bench_world():
    departement, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DEPARTEMENT,
        insee_code=BENCH_CODE,
        defaults={"name": "Département de mesure (import)"},
    )
    association, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.ASSOCIATION, name=ASSOCIATION_NAME
    )
    Convention.objects.get_or_create(
        departement=departement,
        association=association,
        defaults={
            "status": ConventionStatus.ACTIVE,
            "start_date": datetime.date(2020, 1, 1),
            "accepted_at": timezone.now(),
        },
    )
    for name in ("Nord", "Centre", "Sud"):
        Territory.objects.get_or_create(departement=departement, name=name)
    return departement, association


def build_file(departement, rows: int, seed: int, bad_row: int | None = None) -> bytes:
    """An xlsx in the template's layout (write-only, as an export from a CRM would be)."""
    from openpyxl import Workbook

    rng = random.Random(seed)  # noqa: S311 — synthetic bench data
    labels = {
        kind: list(
            ReferenceItem.objects.filter(departement=departement, kind=kind).values_list("label", flat=True)
        )
        for kind in (ReferenceKind.SCHOOL_LEVEL, ReferenceKind.CARE_MEASURE, ReferenceKind.OBJECTIVE)
    }
    territories = list(Territory.objects.filter(departement=departement).values_list("name", flat=True))
    today = datetime.date.today()
    book = Workbook(write_only=True)
    data = book.create_sheet("Données")
    data.append([c.header for c in PAIR_COLUMNS])
    meetings = book.create_sheet("Rencontres")
    meetings.append([c.header for c in MEETING_COLUMNS])
    for n in range(1, rows + 1):
        started = today - datetime.timedelta(days=rng.randint(40, 700))
        closed = rng.random() < 0.3
        ended = started + datetime.timedelta(days=rng.randint(30, 35)) if closed else None
        data.append(
            [
                f"CRM-{n:06d}",
                f"JEUNE-{n:06d}",
                today.year - rng.randint(11, 20),
                rng.choice([label for _, label in Gender.choices]),
                rng.choice(labels[ReferenceKind.SCHOOL_LEVEL]),
                rng.choice(labels[ReferenceKind.CARE_MEASURE]),
                rng.choice(territories),
                rng.choice(labels[ReferenceKind.OBJECTIVE]),
                rng.choice([label for _, label in Modality.choices]),
                f"MENTOR-{rng.randint(1, rows // 2):06d}",
                started,
                ended,
                "Clôturé" if closed else "En cours",
                rng.choice([label for _, label in ClosureReason.choices]) if closed else None,
                rng.choice(["Oui", "Non", None]) if closed else None,
                "Oui" if rng.random() < 0.1 else "Non",
            ]
        )
        month = started.replace(day=1)
        bad = bad_row is not None and n == bad_row
        meetings.append(
            [f"CRM-{n:06d}", f"{month:%Y-%m}", "beaucoup" if bad else rng.randint(0, 4), rng.randint(0, 2)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Mesure l'import d'un fichier d'association (10 000 lignes par défaut)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        rows, runs = options["rows"], options["runs"]
        departement, association = bench_world()
        good = build_file(departement, rows, options["seed"])
        bad = build_file(departement, rows, options["seed"], bad_row=rows - 3)
        vendor = connection.vendor
        results = {}

        cpu = {}

        def timed(name, content, dry_run=False, expect_ok=True):
            started, started_cpu = time.perf_counter(), time.process_time()
            report, counts = import_file(
                io.BytesIO(content), association=association, departement=departement, dry_run=dry_run
            )
            elapsed = time.perf_counter() - started
            cpu.setdefault(name, []).append(time.process_time() - started_cpu)
            assert report.ok == expect_ok, report.errors[:3]
            results.setdefault(name, []).append(elapsed)
            return report, counts

        for _ in range(runs):
            ReportedPair.objects.filter(association=association).delete()
            timed("dry_run", good, dry_run=True)
            _, counts = timed("import", good)
            assert counts["pairs_created"] == rows and counts["meetings_created"] == rows, counts
            _, counts = timed("reimport", good)
            assert counts["pairs_unchanged"] == rows and counts["meetings_unchanged"] == rows, counts
            report, _ = timed("one_bad_row", bad, expect_ok=False)
            assert [(e.row, e.column) for e in report.errors] == [
                (rows - 2, "Rencontres › Rencontres en présentiel")
            ]
        load = os.getloadavg()[0]
        table = [
            "| database | measure | rows (Données + Rencontres) | median s | min s | max s | median CPU s (this process) | under 15 s |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, times in results.items():
            line = {
                "measure": name,
                "vendor": vendor,
                "rows": rows * 2,
                "runs": len(times),
                "median_s": round(statistics.median(times), 2),
                "min_s": round(min(times), 2),
                "max_s": round(max(times), 2),
                "cpu_median_s": round(statistics.median(cpu[name]), 2),
                "load_average_1min": round(load, 2),
                "under_target": statistics.median(times) < TARGET_S,
            }
            self.stdout.write(json.dumps(line))
            table.append(
                f"| {vendor} | {name} | {rows} + {rows} | {line['median_s']} | {line['min_s']} | {line['max_s']} | "
                f"{line['cpu_median_s']} | "
                f"{'yes' if line['under_target'] else 'NO'} |"
            )
        self.stdout.write("\n".join(table))
