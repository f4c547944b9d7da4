"""Reading the association import's file, before and after issue 18, side by side in one run.

Before: `reporting/xlsx.py`, the hand-written streaming XML reader (taken from git history, commit
3685195, the last one holding it). After: `utils.tabular.Workbook` (the checks on the unzipped parts,
then python-calamine). Both read the same generated file: 10,000 pairs in `Données` (16 columns:
text, numbers, dates, empty cells) and 10,000 monthly meeting rows in `Rencontres`, written by
openpyxl's write-only mode as bench_import_report writes it. Runs alternate (before, after, before…)
so that the machine's load weighs on both alike. Prints one JSON line per reader, then a table.

With `--ods` (LibreOffice needed): the same file converted to .ods by LibreOffice, read by
`utils/tabular.py` as of commit 08e0aa3 (its .ods check used a regex per row, issue 19) and as now.

    .venv/bin/python bench/import_read.py [--rows 10000] [--runs 7] [--ods]
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BEFORE_COMMIT = "3685195"
ODS_BEFORE_COMMIT = "08e0aa3"


def old_reader(commit=BEFORE_COMMIT, path="binome/reporting/xlsx.py"):
    source = subprocess.run(  # noqa: S603 — git, with a fixed revision and path
        ["git", "show", f"{commit}:{path}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("old_" + path.rsplit("/", 1)[-1].removesuffix(".py"))
    exec(compile(source, f"{path}@{commit}", "exec"), module.__dict__)  # noqa: S102
    return module


def to_ods(content: bytes) -> bytes:
    """The xlsx converted by LibreOffice, as a person saving it as .ods would."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "suivi.xlsx").write_bytes(content)
        subprocess.run(  # noqa: S603 — LibreOffice, on a file of our own
            ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",  # noqa: S607
             "--convert-to", "ods", "--outdir", folder, f"{folder}/suivi.xlsx"],
            capture_output=True, check=True, timeout=300,
        )  # fmt: skip
        return (Path(folder) / "suivi.ods").read_bytes()


def build_file(rows: int, seed: int = 7) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    today = datetime.date(2026, 11, 1)
    book = Workbook(write_only=True)
    data = book.create_sheet("Données")
    data.append(["Identifiant binôme", "Identifiant jeune", "Année de naissance", "Genre", "Niveau scolaire",
                 "Mesure ASE", "Territoire", "Objectif", "Modalité", "Identifiant mentor", "Date de début",
                 "Date de fin", "État", "Motif de clôture", "Objectif atteint", "Reconduction"])  # fmt: skip
    meetings = book.create_sheet("Rencontres")
    meetings.append(["Identifiant binôme", "Mois", "Rencontres en présentiel", "Rencontres à distance"])
    for n in range(1, rows + 1):
        started = today - datetime.timedelta(days=rng.randint(40, 700))
        closed = rng.random() < 0.3
        data.append([
            f"CRM-{n:06d}", f"JEUNE-{n:06d}", today.year - rng.randint(11, 20),
            rng.choice(["Fille / femme", "Garçon / homme", "Autre"]), rng.choice(["6e", "5e", "4e", "3e", "2de"]),
            rng.choice(["AED", "AEMO", "Placement judiciaire"]), rng.choice(["Nord", "Centre", "Sud"]),
            rng.choice(["Scolarité", "Orientation", "Insertion"]), rng.choice(["En présentiel", "À distance", "Mixte"]),
            f"MENTOR-{rng.randint(1, rows // 2):06d}", started,
            started + datetime.timedelta(days=rng.randint(30, 35)) if closed else None,
            "Clôturé" if closed else "En cours", "Déménagement" if closed else None,
            rng.choice(["Oui", "Non", None]) if closed else None, "Oui" if rng.random() < 0.1 else "Non",
        ])  # fmt: skip
        meetings.append(
            [f"CRM-{n:06d}", f"{started.replace(day=1):%Y-%m}", rng.randint(0, 4), rng.randint(0, 2)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_before(module, content):
    with module.Workbook(io.BytesIO(content)) as book:
        return sum(1 for name in ("Données", "Rencontres") for _ in book.rows(name))


def read_after(content, module=None):
    if module is None:
        from binome.utils import tabular as module

    with module.Workbook(io.BytesIO(content)) as book:
        return sum(1 for name in ("Données", "Rencontres") for _ in book.rows(name))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ods", action="store_true", help="the same rows as .ods, tabular.py before/after")
    options = parser.parse_args()
    content = build_file(options.rows)
    expected = 2 * options.rows + 2
    if options.ods:
        content = to_ods(content)
        before = old_reader(ODS_BEFORE_COMMIT, "binome/utils/tabular.py")
        times = {f".ods, before (utils/tabular.py at {ODS_BEFORE_COMMIT})": [], ".ods, after (one scan)": []}
        readers = (lambda: read_after(content, before), lambda: read_after(content))
    else:
        before = old_reader()
        times = {"before (reporting/xlsx.py)": [], "after (utils/tabular.py + calamine)": []}
        readers = (lambda: read_before(before, content), lambda: read_after(content))
    read_after(content)  # imports numpy and calamine once, outside the timings
    for _ in range(options.runs):
        for name, read in zip(times, readers, strict=True):
            started = time.perf_counter()
            rows = read()
            times[name].append(time.perf_counter() - started)
            assert rows == expected, (name, rows)
    load = os.getloadavg()[0]
    table = [
        "| reader | rows read | median s | min s | max s | runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, values in times.items():
        line = {"reader": name, "rows": expected, "runs": len(values), "median_s": round(statistics.median(values), 3),
                "min_s": round(min(values), 3), "max_s": round(max(values), 3), "file_bytes": len(content),
                "load_average_1min": round(load, 2)}  # fmt: skip
        print(json.dumps(line))
        table.append(
            f"| {name} | {expected:,} | {line['median_s']} | {line['min_s']} | {line['max_s']} | {len(values)} |"
        )
    before_times, after_times = times.values()
    ratio = statistics.median(after_times) / statistics.median(before_times)
    print("\n".join(table))
    print(f"after / before (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
