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
    assert response.json() == {"status": "ok", "database": "ok"}


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
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


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
