"""The outbox: real SMTP delivery, retries when SMTP is down, escalation, webhook, background loop."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service.api.main import create_app
from bot.service.db.models import Lead, Notification
from bot.service.db.types import utcnow
from bot.service.notify.dispatcher import deliver_due, retry_delay
from bot.service.notify.escalation import escalate_unanswered
from bot.service.settings import Settings
from tests.service.conftest import MENTORS, SERVICE, STAFF, Mailbox, close_and_empty, free_port, make_settings
from tests.service.factories import lead_payload


def create(client: TestClient, **overrides) -> dict:
    response = client.post("/api/leads", json=lead_payload(**overrides), headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


def notifications(session: Session) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_new_lead_is_emailed_to_the_first_mentor(
    client: TestClient, session: Session, settings: Settings, mailbox: Mailbox
) -> None:
    payload = lead_payload(first_name="Fleur", transcript_url="http://localhost:8000/staff/gesprekken/bezoeker/abc")
    lead = client.post("/api/leads", json=payload, headers=SERVICE).json()

    report = deliver_due(session, settings)

    assert (report.delivered, report.failed) == (1, 0)
    [(recipients, message)] = mailbox.received
    assert recipients == [MENTORS[0]]
    assert lead["reference"] in message["Subject"] and "Fleur" not in message["Subject"]
    body = message.get_content()
    for expected in (
        "Fleur wil graag contact met een mentor.",
        f"Referentie: {lead['reference']}",
        "Telefoon: 06 12345678",
        "Voorkeursmoment: dinsdagochtend",
        "Behoefte: (nieuw) leidinggeven",
        "Advies: mentoring (leiderschapsmentor)",
        "- Je zoekt iemand die het vak kent en zijn ervaring deelt.",
        "- Doel: growth",
        "Onderwerpen: delegeren, presenteren",
        # The lead's own staff page (it links the conversation): no id a conversation is known by.
        f"Aanvraag en gesprek teruglezen: http://localhost:8000/staff/leads/{lead['id']}",
        "om deze gegevens te bewaren, en om per e-mail en telefonisch contact op te nemen.",
    ):
        assert expected in body
    assert payload["conversation_id"] not in body and "bezoeker" not in body
    [notification] = notifications(session)
    assert notification.delivered_at is not None and notification.attempts == 1
    assert deliver_due(session, settings).delivered == 0  # sent once, not again
    assert len(mailbox.received) == 1


def test_smtp_down_keeps_the_lead_and_delivers_later_exactly_once(
    client: TestClient, session: Session, settings: Settings, mailbox: Mailbox
) -> None:
    smtp_down = settings.model_copy(update={"smtp_port": free_port()})  # nothing listens there
    lead = create(client, first_name="Noor")

    failed = deliver_due(session, smtp_down)

    assert (failed.delivered, failed.failed) == (0, 1)
    [notification] = notifications(session)
    assert notification.delivered_at is None and notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error
    assert notification.next_attempt_at > utcnow()
    assert session.get(Lead, lead["id"]).first_name == "Noor"  # the lead is safe
    visible = client.get("/api/staff/notifications", params={"failed": "true"}, headers=STAFF).json()
    assert [(item["lead_id"], item["attempts"]) for item in visible] == [(lead["id"], 1)]

    # SMTP is back, but the retry is not due yet; then it is.
    assert deliver_due(session, settings).delivered == 0
    later = utcnow() + retry_delay(1) + timedelta(seconds=1)
    assert deliver_due(session, settings, now=later).delivered == 1
    assert deliver_due(session, settings, now=later + timedelta(hours=2)).delivered == 0

    assert len(mailbox.received) == 1
    assert "Noor" in mailbox.bodies()[0]
    [notification] = notifications(session)
    assert notification.delivered_at is not None and notification.last_error is None
    assert client.get("/api/staff/notifications", params={"failed": "true"}, headers=STAFF).json() == []


def test_retries_back_off_and_then_give_up(client: TestClient, session: Session, settings: Settings) -> None:
    smtp_down = settings.model_copy(update={"smtp_port": free_port(), "notify_max_attempts": 3})
    create(client)
    now = utcnow()
    for attempt in range(1, 4):
        assert deliver_due(session, smtp_down, now=now).failed == 1
        [notification] = notifications(session)
        if attempt < 3:
            assert notification.next_attempt_at - now == retry_delay(attempt)
            now = notification.next_attempt_at
    assert notification.next_attempt_at is None  # given up: staff see it under failed=true
    assert deliver_due(session, smtp_down, now=now + timedelta(days=1)).failed == 0
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]


def test_unanswered_lead_escalates_down_the_mentor_list(
    client: TestClient, session: Session, settings: Settings, mailbox: Mailbox
) -> None:
    lead = create(client, first_name="Daan")
    deliver_due(session, settings)
    start = utcnow()
    wait = timedelta(minutes=settings.escalate_after_minutes)

    assert escalate_unanswered(session, settings, start + wait - timedelta(minutes=1)) == 0
    assert escalate_unanswered(session, settings, start + wait + timedelta(minutes=1)) == 1
    deliver_due(session, settings, now=start + wait + timedelta(minutes=2))

    stored = session.get(Lead, lead["id"])
    session.refresh(stored)
    assert (stored.assigned_mentor, stored.mentor_response) == (MENTORS[1], "pending")
    assert [recipients for recipients, _ in mailbox.received] == [[MENTORS[0]], [MENTORS[1]]]
    assert "Daan" in mailbox.bodies()[1] and lead["reference"] in mailbox.bodies()[1]

    assert escalate_unanswered(session, settings, start + 3 * wait) == 1  # to the third
    assert escalate_unanswered(session, settings, start + 5 * wait) == 0  # the last keeps it
    session.refresh(stored)
    assert stored.assigned_mentor == MENTORS[2]


def test_answered_or_contacted_leads_do_not_escalate(client: TestClient, session: Session, settings: Settings) -> None:
    accepted = create(client)["id"]
    contacted = create(client)["id"]
    client.post(f"/api/staff/leads/{accepted}/mentor-response", json={"response": "accepted"}, headers=STAFF)
    client.patch(f"/api/staff/leads/{contacted}", json={"status": "contacted"}, headers=STAFF)

    assert escalate_unanswered(session, settings, utcnow() + timedelta(days=1)) == 0


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook_url() -> Iterator[str]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/crm/leads"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_webhook_receives_the_lead(database_url: str, smtp_server, mailbox: Mailbox, webhook_url: str) -> None:
    settings = make_settings(database_url, smtp_port=smtp_server.port, webhook_url=webhook_url)
    app = create_app(settings)
    try:
        with TestClient(app) as client, app.state.sessionmaker() as session:
            lead = create(client)
            assert deliver_due(session, settings).delivered == 2  # e-mail and webhook
    finally:
        close_and_empty(app)
    [posted] = _Receiver.received
    assert posted["event"] == "lead.created"
    assert posted["lead"]["reference"] == lead["reference"]
    assert len(mailbox.received) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_background_loop_delivers_without_being_asked(database_url: str, smtp_server, mailbox: Mailbox) -> None:
    settings = make_settings(
        database_url, smtp_port=smtp_server.port, dispatcher_enabled=True, dispatch_interval_seconds=30
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            lead = create(client)
            # The interval is long: only the wake-up after the new lead can deliver this fast.
            deadline = time.monotonic() + 5
            while not mailbox.received and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        close_and_empty(app)
    assert len(mailbox.received) == 1
    assert lead["reference"] in mailbox.bodies()[0]


def test_no_personal_data_in_logs(
    client: TestClient, session: Session, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.service")
    payload = lead_payload(first_name="Geheimnaam", email="geheim@voorbeeld.nl", phone="06 24681357")
    lead = client.post("/api/leads", json=payload, headers=SERVICE).json()
    client.post("/api/leads", json=payload | {"email": "fout@@"}, headers=SERVICE)
    deliver_due(session, settings.model_copy(update={"smtp_port": free_port()}))
    client.delete("/api/staff/persons", params={"email": "geheim@voorbeeld.nl"}, headers=STAFF)

    assert lead["reference"] in caplog.text  # leads are logged, by reference
    for secret in ("Geheimnaam", "geheim@", "24681357", "fout@@"):
        assert secret not in caplog.text
