"""The whole assistant on free ports, as `make run` starts it: an SMTP server that keeps what it
receives, the lead service, the outbox worker, the action server and Rasa. Used by the e2e tests
and `make bench`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.mail import Mailbox, start_smtp_server
from tests.support.servers import ActionServer, OutboxWorker, RasaServer, ServiceServer
from tests.support.slow_proxy import SlowProxy

MENTOR = "mentor@mentorwijzer.test"


@dataclass
class Stack:
    smtp: Controller
    service: ServiceServer
    worker: OutboxWorker
    actions: ActionServer
    rasa: RasaServer
    # Between Rasa and the action server when asked for: tests make actions slow with it.
    action_proxy: SlowProxy | None = None

    @property
    def mailbox(self) -> Mailbox:
        return self.smtp.handler

    def stop(self) -> None:
        for part in (self.rasa, self.action_proxy, self.actions, self.worker, self.service, self.smtp):
            if part is not None:
                part.stop()


def service_link(workdir: Path, service: ServiceServer) -> dict[str, str]:
    """How the action server and the outbox worker reach the service; quick retries for tests."""
    return {
        "LEAD_SERVICE_URL": service.url,
        "SERVICE_TOKEN": service.service_token,
        "LEAD_OUTBOX_URL": f"sqlite:///{workdir / 'outbox.db'}",
        "LEAD_OUTBOX_RETRY_SECONDS": "1",
        "LEAD_OUTBOX_MAX_BACKOFF_SECONDS": "2",
        "LEAD_SERVICE_TIMEOUT_SECONDS": "3",
    }


def start_stack(workdir: Path, rasa_env: dict[str, str] | None = None, action_proxy: bool = False) -> Stack:
    """`rasa_env` adds settings for Rasa (e.g. a Telegram bot pointed at a local Bot API server)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as started:  # a part that does not come up stops those before it
        smtp = start_smtp_server()
        started.callback(smtp.stop)
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
        started.callback(service.stop)
        link = service_link(workdir, service)
        worker = OutboxWorker(workdir, env=link)
        worker.start()
        started.callback(worker.stop)
        actions = ActionServer(workdir, env=link)
        actions.start()
        started.callback(actions.stop)
        proxy = SlowProxy(f"http://127.0.0.1:{actions.port}") if action_proxy else None
        if proxy:
            started.callback(proxy.stop)
        rasa.action_url = f"{proxy.url}/webhook" if proxy else actions.url
        rasa.env = {
            # The widget page (served by the service) may open socket.io connections to Rasa.
            "WIDGET_ALLOWED_ORIGINS": service.url,
            # Conversations (tracker store) and channel links live in the service's database.
            "DATABASE_URL": f"sqlite:///{service.database}",
            "SERVICE_TOKEN": service.service_token,
            # Chat rate limits off: the tests play many visitors from 127.0.0.1, faster than people type
            # (tests/e2e/test_rate_limit.py checks the limits on a Rasa of its own).
            "CHAT_RATE_LIMIT_PER_SENDER": "",
            "CHAT_RATE_LIMIT_PER_ADDRESS": "",
            **(rasa_env or {}),
        }
        rasa.start()
        started.pop_all()  # all up: Stack.stop() stops them
    return Stack(smtp, service, worker, actions, rasa, proxy)
