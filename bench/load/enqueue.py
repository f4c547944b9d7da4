"""Queues N e-mails at once through the real delivery task (notifications.tasks.deliver_email), each to a
unique address written to OUT/enqueued.txt: run.sh does it just before killing a huey worker, so that
the worker dies with a busy queue; report.py then counts that each went out exactly once.

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
    from binome.notifications.tasks import deliver_email

    count, out = int(sys.argv[1]), Path(sys.argv[2])
    if len(sys.argv) > 3:
        time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
    addresses = [f"queued-{uuid.uuid4().hex[:12]}@bench.example" for _ in range(count)]
    with (out / "enqueued.txt").open("a") as listing:
        for address in addresses:
            deliver_email(
                subject="[Binôme] Banc de charge",
                text="Message du banc de charge.",
                html="<p>Banc</p>",
                to=[address],
            )
            listing.write(address + "\n")
    print(f"{count} e-mails mis en file")
