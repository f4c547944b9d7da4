"""Queues N e-mails at once the way the application does (notifications.emails.queue: a row in the
outbox, then a huey task that wakes a sender), each to a unique address written to OUT/enqueued.txt,
each under its own idempotency key and queued twice (a double enqueue must still send one e-mail).
run.sh does it just before killing a huey worker, so that the worker dies holding claimed rows;
report.py then counts, in the mail files, that each went out exactly once.

    DJANGO_SETTINGS_MODULE=config.settings.bench python bench/load/enqueue.py N OUT [AT_EPOCH_SECONDS]
"""

import os
import sys
import time
import uuid
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from binome.notifications.emails import queue

    count, out = int(sys.argv[1]), Path(sys.argv[2])
    if len(sys.argv) > 3:
        time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
    addresses = [f"queued-{uuid.uuid4().hex[:12]}@bench.example" for _ in range(count)]
    with (out / "enqueued.txt").open("a") as listing:
        for address in addresses:
            for _ in range(2):
                queue(
                    subject="[Binôme] Banc de charge",
                    text="Message du banc de charge.",
                    html="<p>Banc</p>",
                    to=[address],
                    key=f"bench:{address}",
                )
            listing.write(address + "\n")
    print(f"{count} e-mails mis en file")
