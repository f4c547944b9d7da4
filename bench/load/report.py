"""The figures of a bench/load/run.sh run: requests, failures (and which were in flight on a killed
worker), p50/p95/p99 of pages (exports and login apart), e-mails queued vs delivered, the machine's
load, the outbox's rows by state at the end. Writes OUT/summary.json, prints it, and exits 1 when a check fails.

    python bench/load/report.py OUT
"""

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

PAGE_P95_TARGET_MS = 500
IN_FLIGHT_WINDOW_S = 5  # a request in flight on the killed (sync) worker fails the moment it dies


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(out: Path) -> int:
    requests = [json.loads(line) for line in (out / "requests.jsonl").read_text().splitlines() if line]
    kills = (
        [line.split() for line in (out / "kills.txt").read_text().splitlines()]
        if (out / "kills.txt").exists()
        else []
    )
    gunicorn_kills = [float(at) for at, kind, _pid in kills if kind == "gunicorn"]

    failures = [r for r in requests if r[3]]
    # A request that failed on a connection error just after a gunicorn worker was killed was in flight on it.
    in_flight = [
        r
        for r in failures
        if any(0 <= r[0] - at <= IN_FLIGHT_WINDOW_S for at in gunicorn_kills)
        and re.search(r"Connection|RemoteDisconnected|reset", r[3])
    ]
    pages = [r[2] for r in requests if not r[3] and not r[1].startswith(("export", "login"))]
    exports = [r[2] for r in requests if not r[3] and r[1].startswith("export")]
    by_name = {}
    for name in sorted({r[1] for r in requests}):
        times = [r[2] for r in requests if r[1] == name and not r[3]]
        by_name[name] = {"n": len(times), "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}

    invited = [
        line
        for name in ("invited.txt", "enqueued.txt")
        if (out / name).exists()
        for line in (out / name).read_text().splitlines()
        if line
    ]
    delivered = Counter()
    for mail in (out / "var" / "mails").glob("*.log") if (out / "var" / "mails").exists() else []:
        delivered.update(
            re.findall(r"^To: ((?:invite|queued)-[0-9a-f]+@bench\.example)$", mail.read_text(), re.M)
        )
    # The outbox's rows at the end (run.sh): none may be left pending, claimed or given up.
    outbox = dict.fromkeys(("pending", "sending", "sent", "failed"), 0)
    if (out / "outbox.txt").exists():
        for line in (out / "outbox.txt").read_text().split():
            status, _, n = line.partition("|")
            outbox[status] = int(n)
    lost = [e for e in invited if delivered[e] == 0]
    twice = [e for e in invited if delivered[e] > 1]

    loads = [float(line.split()[1]) for line in (out / "loadavg.txt").read_text().splitlines()]
    duration = requests[-1][0] - requests[0][0] if requests else 0
    summary = {
        "requests": len(requests),
        "requests_per_s": round(len(requests) / duration, 1) if duration else None,
        "failed": len(failures),
        "failed_in_flight_on_killed_worker": len(in_flight),
        "failed_otherwise": len(failures) - len(in_flight),
        "failure_examples": sorted({f"{r[1]}: {r[3]}" for r in failures if r not in in_flight})[:10],
        "pages_p50_ms": percentile(pages, 0.5),
        "pages_p95_ms": percentile(pages, 0.95),
        "pages_p99_ms": percentile(pages, 0.99),
        "exports_p95_ms": percentile(exports, 0.95),
        "by_name": by_name,
        "emails_queued": len(invited),
        "emails_lost": len(lost),
        "emails_sent_twice": len(twice),
        "outbox_at_end": outbox,
        "kills": [" ".join(k[1:]) for k in kills],
        "load_1min_mean": round(sum(loads) / len(loads), 2) if loads else None,
        "load_1min_max": max(loads) if loads else None,
        "cpus": os.cpu_count(),
    }
    summary["checks"] = {
        "no failed request beyond the in-flight ones": summary["failed_otherwise"] == 0,
        f"pages p95 < {PAGE_P95_TARGET_MS} ms": (summary["pages_p95_ms"] or 0) < PAGE_P95_TARGET_MS,
        "every e-mail queued sent exactly once": not lost and not twice,
        "outbox empty at the end (nothing pending, claimed or given up)": not (
            outbox["pending"] or outbox["sending"] or outbox["failed"]
        ),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    strict = [name for name, ok in summary["checks"].items() if not ok and not name.startswith("pages")]
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
