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


def start_stack(workdir: Path, rasa_env: dict[str, str] | None = None) -> Stack:
    """`rasa_env` adds settings for Rasa (e.g. a Telegram bot pointed at a local Bot API server)."""
    workdir.mkdir(parents=True, exist_ok=True)
    smtp = start_smtp_server()
    # Rasa's port is chosen first: the service's widget page must know where the chat server is.
    rasa = RasaServer(workdir, action_url="")
    service = ServiceServer(workdir, env={
        "ENVIRONMENT": "test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "MENTOR_EMAILS": MENTOR,
        "DISPATCH_INTERVAL_SECONDS": "0.5",
        "CONVERSATION_ERASE_DELAY_SECONDS": "2",
        "WIDGET_SERVER_URL": rasa.url,
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
    rasa.action_url = actions.url
    rasa.env = {
        # The widget page (served by the service) may open socket.io connections to Rasa.
        "WIDGET_ALLOWED_ORIGINS": service.url,
        # Conversations (tracker store) and channel links live in the service's database.
        "DATABASE_URL": f"sqlite:///{service.database}",
        "SERVICE_TOKEN": service.service_token,
        **(rasa_env or {}),
    }
    rasa.start()
    return Stack(smtp, service, worker, actions, rasa)
