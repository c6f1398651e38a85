"""GET /health, and what every endpoint answers when the database is gone."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from bot.service.api.access_log import DropQueryStrings
from bot.service.api.main import create_app
from tests.service.conftest import SERVICE, free_port, make_settings
from tests.service.factories import lead_payload


def test_health_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    # The test app runs no dispatcher (tests call it themselves): no rounds to count.
    assert response.json() == {"status": "ok", "database": "ok", "dispatcher_rounds": None}


def test_health_counts_the_dispatchers_rounds(settings) -> None:
    """What an operator (and a test) can watch to know mail is still going out, without waiting blind."""
    import time

    app = create_app(settings.model_copy(update={"dispatcher_enabled": True, "dispatch_interval_seconds": 0.05}))
    with TestClient(app) as client:
        first = client.get("/health").json()["dispatcher_rounds"]
        deadline = time.monotonic() + 30
        while (rounds := client.get("/health").json()["dispatcher_rounds"]) < first + 2:
            assert time.monotonic() < deadline, "the dispatcher stopped going round"
            time.sleep(0.05)
    assert rounds >= first + 2


@pytest.fixture
def client_without_database() -> TestClient:
    # A PostgreSQL URL on a port where nothing listens: every connection is refused.
    settings = make_settings(f"postgresql://postgres@127.0.0.1:{free_port()}/leads")
    with TestClient(create_app(settings)) as client:
        yield client


def test_health_503_when_database_unreachable(client_without_database: TestClient) -> None:
    response = client_without_database.get("/health")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json() == {"status": "unavailable", "database": "unreachable", "dispatcher_rounds": None}


def test_lead_hand_off_is_503_not_500_when_database_unreachable(client_without_database: TestClient) -> None:
    response = client_without_database.post("/api/leads", json=lead_payload(), headers=SERVICE)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert "niet bereikbaar" in response.json()["detail"]


def test_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Mentorwijzer leadservice"
    assert "/api/leads" in schema["paths"]


def test_access_log_drops_query_strings() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/staff/persons/export?email=anna%40voorbeeld.nl", "1.1", 200),
        None,
    )
    DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/staff/persons/export HTTP/1.1" 200'
