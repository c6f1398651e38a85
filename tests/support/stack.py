"""The whole assistant on free ports, as `make run` starts it: an SMTP server that keeps what it
receives, the lead service, the outbox worker, the action server and Rasa. Used by the e2e tests
and `make bench`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.mail import Mailbox, start_smtp_server
from tests.support.servers import ActionServer, OutboxWorker, RasaServer, ServiceServer

MENTOR = "mentor@mentorwijzer.test"


@dataclass
class Stack:
    smtp: Controller
    service: ServiceServer
    worker: OutboxWorker
    actions: ActionServer
    rasa: RasaServer

    @property
    def mailbox(self) -> Mailbox:
        return self.smtp.handler

    def stop(self) -> None:
        for part in (self.rasa, self.actions, self.worker, self.service, self.smtp):
            part.stop()


def start_stack(workdir: Path) -> Stack:
    workdir.mkdir(parents=True, exist_ok=True)
    smtp = start_smtp_server()
    service = ServiceServer(workdir, env={
        "ENVIRONMENT": "test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "MENTOR_EMAILS": MENTOR,
        "DISPATCH_INTERVAL_SECONDS": "0.5",
        # Rasa's tracker store below: "vergeet mij" erases the conversation there.
        "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "CONVERSATION_ERASE_DELAY_SECONDS": "2",
    })
    service.start()
    # How the action server and the outbox worker reach the service; quick retries for tests.
    link = {
        "LEAD_SERVICE_URL": service.url,
        "SERVICE_TOKEN": service.service_token,
        "LEAD_OUTBOX_URL": f"sqlite:///{workdir / 'outbox.db'}",
        "LEAD_OUTBOX_RETRY_SECONDS": "1",
        "LEAD_OUTBOX_MAX_BACKOFF_SECONDS": "2",
        "LEAD_SERVICE_TIMEOUT_SECONDS": "3",
    }
    worker = OutboxWorker(workdir, env=link)
    worker.start()
    actions = ActionServer(workdir, env=link)
    actions.start()
    rasa = RasaServer(workdir, action_url=actions.url)
    rasa.start()
    return Stack(smtp, service, worker, actions, rasa)
