"""The lead service's database refuses connections for a while (a restart, a fail-over).

The real service (uvicorn) on a throwaway PostgreSQL database; the server refuses new connections
(`ALLOW_CONNECTIONS false`) and ends the open ones, so the service's pooled connections die too.
Meanwhile every request is answered 503 with Retry-After and a Dutch sentence, never a 500, and
nothing is half written. Once the database is back the same service process works again, and a
lead the action server handed off meanwhile (kept in its outbox) arrives exactly once.

Asserted on the leads and notifications tables and on the SMTP server, not on logs.
Skips without PostgreSQL, except in CI (REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.lead import texts as lead_texts
from tests.service.factories import lead_payload
from tests.support.mail import Mailbox, start_smtp_server
from tests.support.postgres import connections_refused, throwaway_databases
from tests.support.servers import ActionServer, OutboxWorker, ServiceServer
from tests.support.stack import service_link
from tests.support.waiting import wait_until

MENTOR = "mentor@mentorwijzer.test"
DATABASE_DOWN = "De database is even niet bereikbaar. Probeer het later opnieuw."


@pytest.fixture(scope="module")
def database_url(admin: Engine) -> Iterator[str]:
    with throwaway_databases(admin, prefix="mw_service_down") as make:
        yield make()


@pytest.fixture(scope="module")
def database(database_url: str) -> str:
    return make_url(database_url).database


@pytest.fixture(scope="module")
def smtp() -> Iterator[Controller]:
    controller = start_smtp_server()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp: Controller) -> Mailbox:
    return smtp.handler


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-db-down")


@pytest.fixture(scope="module")
def service(workdir: Path, database_url: str, smtp: Controller) -> Iterator[ServiceServer]:
    server = ServiceServer(workdir, env={
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,  # migrated on start, like `make migrate`
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "MENTOR_EMAILS": MENTOR,
        "DISPATCH_INTERVAL_SECONDS": "0.5",
    })
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def link(workdir: Path, service: ServiceServer) -> dict[str, str]:
    return service_link(workdir, service)


@pytest.fixture(scope="module")
def actions(workdir: Path, link: dict[str, str]) -> Iterator[ActionServer]:
    server = ActionServer(workdir, env=link)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def worker(workdir: Path, link: dict[str, str]) -> Iterator[OutboxWorker]:
    process = OutboxWorker(workdir, env=link)
    process.start()
    yield process
    process.stop()


def post_lead(service: ServiceServer, payload: dict) -> httpx.Response:
    return httpx.post(f"{service.url}/api/leads", json=payload, timeout=30,
                      headers={"Authorization": f"Bearer {service.service_token}"})


def rows(database_url: str, conversation_id: str) -> dict[str, int]:
    """What the database holds for this conversation, read with a connection of our own."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            leads = connection.scalar(text("SELECT count(*) FROM leads WHERE conversation_id = :c"),
                                      {"c": conversation_id})
            notifications = connection.scalar(text(
                "SELECT count(*) FROM notifications n JOIN leads l ON l.id = n.lead_id WHERE l.conversation_id = :c"
            ), {"c": conversation_id})
    finally:
        engine.dispose()
    return {"leads": leads, "notifications": notifications}


def mails_about(mailbox: Mailbox, reference: str) -> list[str]:
    return [message["Subject"] for _, message in mailbox.received if reference in message["Subject"]]


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert int(response.headers["Retry-After"]) > 0


def test_requests_while_the_database_is_away_get_503_then_the_same_process_works_again(
    service, database_url, database, admin, mailbox
) -> None:
    # Before: the service has pooled connections that the outage will kill.
    warm = post_lead(service, lead_payload(conversation_id=f"warm-{uuid.uuid4().hex[:8]}"))
    assert warm.status_code == 201, warm.text
    assert httpx.get(f"{service.url}/health", timeout=10).status_code == 200
    pid = service.process.pid

    payload = lead_payload(conversation_id=f"db-down-{uuid.uuid4().hex[:8]}")
    with connections_refused(admin, database):
        for _ in range(3):  # a dead pooled connection first, then refused new ones
            refused = post_lead(service, payload)
            assert_unavailable(refused)
            assert refused.json() == {"detail": DATABASE_DOWN}
        health = httpx.get(f"{service.url}/health", timeout=10)
        assert_unavailable(health)
        assert health.json()["status"] == "unavailable"
        assert health.json()["database"] == "unreachable"
        staff = service.staff("/api/staff/leads")
        assert_unavailable(staff)
        assert staff.json() == {"detail": DATABASE_DOWN}

    assert rows(database_url, payload["conversation_id"]) == {"leads": 0, "notifications": 0}  # nothing half written

    # Back: the same process (no restart) takes the same lead, once.
    assert service.process.poll() is None and service.process.pid == pid
    assert httpx.get(f"{service.url}/health", timeout=10).status_code == 200
    created = post_lead(service, payload)
    assert created.status_code == 201, created.text
    again = post_lead(service, payload)  # the action server's retry, say
    assert again.status_code == 200 and again.json()["reference"] == created.json()["reference"]
    assert rows(database_url, payload["conversation_id"]) == {"leads": 1, "notifications": 1}
    reference = created.json()["reference"]
    wait_until(lambda: mails_about(mailbox, reference), what="the mentor's e-mail")
    service.after_dispatcher_rounds(2)  # rounds in which a second e-mail could have gone
    assert len(mails_about(mailbox, reference)) == 1


def handoff_call(sender: str) -> dict:
    """What Rasa sends the action server when the visitor confirms the summary ("Ja, verstuur maar")."""
    slots = {
        "need": "leadership", "goal": "growth", "horizon": "long", "setting": "individual",
        "guide_role": "experienced", "scope": "work", "skipped_questions": [], "recommendation": "mentoring",
        "guidance_variant": "leadership", "lead_first_name": "Bram", "lead_contact": "bram@voorbeeld.nl",
        "lead_email": "bram@voorbeeld.nl", "lead_phone": None, "lead_moment": "doordeweeks overdag",
        "lead_consent_store": True, "lead_consent_contact": True, "lead_confirmed": True,
        "lead_consent_at": datetime.now(UTC).isoformat(), "lead_declined": None, "lead_reference": None,
        "lead_queued": None,
    }
    events = [
        {"event": "user", "text": "ik ben net teamleider en vind delegeren lastig", "parse_data": {}},
        {"event": "action", "name": "action_start_handoff"},
        {"event": "user", "text": "/affirm", "parse_data": {}},
    ]
    tracker = {
        "sender_id": sender, "slots": slots, "events": events, "paused": False, "followup_action": None,
        "active_loop": {}, "latest_action_name": "lead_form",
        "latest_message": {"text": "/affirm", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []},
    }
    return {"next_action": "action_submit_lead", "sender_id": sender, "tracker": tracker, "domain": {},
            "version": "3.6.21"}


def test_a_lead_handed_off_while_the_database_is_away_arrives_once_when_it_is_back(
    service, actions, worker, database_url, database, admin, mailbox
) -> None:
    sender = f"db-down-outbox-{uuid.uuid4().hex[:8]}"
    with connections_refused(admin, database):
        # The real action server, called as Rasa calls it: the service answers 503, the lead goes
        # into the outbox, and the visitor is told so honestly (no reference number yet).
        answer = httpx.post(actions.url, json=handoff_call(sender), headers=actions.rasa_headers, timeout=30)
        assert answer.status_code == 200, answer.text
        said = " ".join(response.get("text") or "" for response in answer.json()["responses"])
        assert said == lead_texts.QUEUED
        assert {"event": "slot", "name": "lead_queued", "value": True} in [
            {key: event.get(key) for key in ("event", "name", "value")} for event in answer.json()["events"]
        ]
        # The worker tries (and is refused) a few times meanwhile.
        wait_until(lambda: [row for row in worker.outbox() if row["attempts"] >= 2], what="two refused deliveries")

    assert rows(database_url, sender)["leads"] == 0, "nothing can have been stored while the database was away"
    wait_until(lambda: rows(database_url, sender)["leads"], what="the queued lead to arrive")
    (reference,) = [lead["reference"] for lead in service.staff("/api/staff/leads", limit=100).json()["items"]
                    if lead["conversation_id"] == sender]
    wait_until(lambda: mails_about(mailbox, reference), what="the mentor's e-mail")
    # Nothing left for the worker to send again, and the mail loop has had rounds to send it twice.
    wait_until(lambda: worker.outbox() == [], what="an empty outbox")
    service.after_dispatcher_rounds(2)
    assert rows(database_url, sender) == {"leads": 1, "notifications": 1}
    assert len(mails_about(mailbox, reference)) == 1
