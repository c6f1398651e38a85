"""Fixtures for the lead service: migrated SQLite and PostgreSQL databases, a real SMTP server,
and a Rasa-like tracker store (`events` table).

PostgreSQL tests skip when the server is unreachable, unless REQUIRE_SERVICES=1 (CI): then they fail.
Every test gets a fresh app; rows are deleted afterwards, the schema stays.
The tracker store is a file of its own next to the SQLite database (as `make run` has it), and
shares the database on PostgreSQL (as it will in production).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from bot.service.api.main import create_app
from bot.service.auth import accounts, passwords
from bot.service.db import migrate
from bot.service.db.models import StaffAccount
from bot.service.settings import Settings
from tests.service.rasa_tracker import RasaTracker, create_events_table
from tests.support.mail import Mailbox
from tests.support.postgres import admin_engine, throwaway_databases

SERVICE_TOKEN = "test-service-token-0123456789abcdef"
STAFF_TOKEN = "test-staff-token-0123456789abcdef"
STAFF_SECRET_KEY = "test-staff-secret-key-0123456789abcdef"
STAFF_PASSWORD = "fiets paraplu hagelslag 42"
MENTORS = ["mentor1@mentorwijzer.test", "mentor2@mentorwijzer.test", "mentor3@mentorwijzer.test"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against the local PostgreSQL server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'leads.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def make_postgres_database() -> Iterator[Callable[[], str]]:
    """Creates empty databases `mw_test_<random>` on the local server; drops them at the end."""
    admin = admin_engine()
    with throwaway_databases(admin) as make:
        yield make
    admin.dispose()


@pytest.fixture(scope="session")
def postgresql_url(make_postgres_database: Callable[[], str]) -> str:
    url = make_postgres_database()
    migrate.upgrade(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each API test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def sqlite_tracker_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}"
    create_events_table(url)
    return url


@pytest.fixture(scope="session")
def postgresql_tracker_url(postgresql_url: str) -> str:
    create_events_table(postgresql_url)  # next to the service's tables: Alembic must leave it alone
    return postgresql_url


@pytest.fixture
def tracker_url(database_url: str, request: pytest.FixtureRequest) -> str:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    return request.getfixturevalue(f"{kind}_tracker_url")


@pytest.fixture
def rasa(tracker_url: str) -> Iterator[RasaTracker]:
    """Rasa's side of the tracker store: write events, count them."""
    tracker = RasaTracker(tracker_url)
    yield tracker
    tracker.clear()


# --- SMTP --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Controller]:
    controller = Controller(Mailbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Controller) -> Mailbox:
    smtp_server.handler.received.clear()
    return smtp_server.handler


# --- app ---------------------------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, tracker_url: str, smtp_server: Controller) -> Settings:
    return make_settings(database_url, smtp_port=smtp_server.port, tracker_database_url=tracker_url)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        environment="test",
        database_url=database_url,
        service_token=SERVICE_TOKEN,
        staff_token=STAFF_TOKEN,
        staff_secret_key=STAFF_SECRET_KEY,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nothing listens: overridden where a test wants mail
        mentor_emails=MENTORS,
        webhook_url=None,
        dispatcher_enabled=False,  # tests call deliver_due themselves
        # Tests send many wrong tokens on purpose; test_token_throttle.py checks the limit itself.
        token_max_failures=10_000,
        notify_timeout_seconds=5,
        # Never the developer's var/tracker.db; the service's own database has no `events` table
        # unless a test made one.
        tracker_database_url=database_url,
    )
    values.update(overrides)
    return Settings(**values)


def close_and_empty(app: FastAPI) -> None:
    """The schema stays for the next test; the rows go (Rasa's events too, when in this database)."""
    with app.state.engine.begin() as connection:
        connection.execute(text("DELETE FROM notifications"))
        connection.execute(text("DELETE FROM leads"))
        connection.execute(text("DELETE FROM conversation_erasures"))
        connection.execute(text("DELETE FROM channel_links"))
        connection.execute(text("DELETE FROM message_flags"))
        connection.execute(text("DELETE FROM conversation_notes"))
        connection.execute(text("DELETE FROM conversation_tags"))
        connection.execute(text("DELETE FROM conversations"))
        connection.execute(text("DELETE FROM conversation_index_state"))
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(text("DELETE FROM staff_sessions"))
        connection.execute(text("DELETE FROM staff_accounts"))
        if inspect(connection).has_table("events"):
            connection.execute(text("DELETE FROM events"))
    app.state.engine.dispose()
    app.state.tracker.dispose()


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    close_and_empty(app)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with app.state.sessionmaker() as session:
        yield session


SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


# --- staff accounts ----------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    """Argon2id still, with the least memory and time: a production hash takes ~0.3 s, hundreds are made here."""
    production = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords.HASHER = production


@pytest.fixture
def make_account(session: Session) -> Callable[..., StaffAccount]:
    """A staff account in the test database, created as the CLI does it."""

    def make(
        email: str = "sanne@voorbeeld.nl", role: str = "mentor", name: str = "Sanne", password: str = STAFF_PASSWORD
    ) -> StaffAccount:
        account = accounts.create(session, email, name, role, password)
        session.commit()
        return account

    return make


def bearer(client: TestClient, email: str, password: str = STAFF_PASSWORD) -> dict[str, str]:
    """Log in over the API (POST /api/auth/token): headers with the personal access token."""
    response = client.post("/api/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
