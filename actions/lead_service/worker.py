"""Deliver what the outbox holds, again and again, until the lead service has it.

    python -m actions.lead_service.worker           # run until stopped (make run starts it)
    python -m actions.lead_service.worker --once    # one round, e.g. from cron
    python -m actions.lead_service.worker --status  # what is waiting
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from actions.lead_service.client import LeadServiceClient
from actions.lead_service.outbox import LeadOutbox
from actions.lead_service.settings import get_settings
from bot.secret_rules import secret_problem

log = logging.getLogger("actions.lead_service.worker")
# How often the worker looks for due rows; each row has its own back-off on top.
POLL_SECONDS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    parser.add_argument("--status", action="store_true", help="print what is waiting, then stop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    settings = get_settings()
    box = LeadOutbox(settings.lead_outbox_url, settings.lead_outbox_retry_seconds,
                     settings.lead_outbox_max_backoff_seconds)
    if args.status:
        counts = box.counts()
        print(", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "outbox is empty")
        return 0
    problem = secret_problem("SERVICE_TOKEN", settings.service_token.get_secret_value())
    if problem:
        print(f"The outbox worker cannot deliver: {problem}", file=sys.stderr)
        return 2
    client = LeadServiceClient(settings)
    if args.once:
        report = box.deliver_due(client)
        print(f"delivered {report.delivered}, retrying {report.retrying}, rejected {report.rejected}")
        return 0

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    log.info("outbox worker started (every %.0f s)", min(POLL_SECONDS, settings.lead_outbox_retry_seconds))
    while not stop.is_set():
        try:
            box.deliver_due(client)
        except Exception:  # a broken database must not end the worker; it logs and tries again
            log.exception("outbox round failed")
        stop.wait(min(POLL_SECONDS, settings.lead_outbox_retry_seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
