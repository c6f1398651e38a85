"""Guessing tokens is slow: wrong bearer tokens are counted per client address, and the address is
the peer's own unless the request came through a trusted proxy (`python -m bot.service.serve`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.service.api.main import create_app
from bot.service.settings import Settings
from tests.service.conftest import SERVICE, STAFF, STAFF_PASSWORD, close_and_empty, make_settings
from tests.support.servers import ROOT, base_env, free_port, stop_process, wait_or_kill

LEAD_ENDPOINT = "/api/leads"
NO_SUCH_LEAD = "/api/staff/leads/999999"
WRONG = {"Authorization": "Bearer not-the-service-token-0123456789abcdef"}


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"token_max_failures": 3}))
    with TestClient(app) as client:
        yield client
    close_and_empty(app)


def test_wrong_service_tokens_are_throttled_per_address(strict_client: TestClient) -> None:
    codes = [strict_client.post(LEAD_ENDPOINT, json={}, headers=WRONG).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    # Locked: not even the right token is looked at from this address until the window moves on.
    refused = strict_client.post(LEAD_ENDPOINT, json={}, headers=SERVICE)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "Te veel ongeldige tokens" in refused.json()["detail"]


def test_staff_api_tokens_count_too_but_a_missing_token_does_not(strict_client: TestClient) -> None:
    for _ in range(5):
        assert strict_client.get(NO_SUCH_LEAD).status_code == 401  # no token: no guess
    assert strict_client.get(NO_SUCH_LEAD, headers=STAFF).status_code == 404  # let in, and nothing there
    codes = [strict_client.get(NO_SUCH_LEAD, headers=WRONG).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service as `make run` starts it, with no proxy configured, on a port of its own."""
    workdir: Path = tmp_path_factory.mktemp("served")
    port = free_port()
    settings = make_settings(f"sqlite:///{workdir / 'leads.db'}")
    env = base_env(
        DATABASE_URL=settings.database_url, SERVICE_TOKEN=settings.service_token.get_secret_value(),
        STAFF_TOKEN=settings.staff_token.get_secret_value(),
        STAFF_SECRET_KEY=settings.staff_secret_key.get_secret_value(),
        SERVICE_PORT=str(port), LOGIN_MAX_FAILURES="2", TOKEN_MAX_FAILURES="2", SERVICE_TRUSTED_PROXIES="",
    )
    log = workdir / "service.log"
    subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "bot.service.cli", "migrate"], cwd=ROOT, env=env,
                   check=True, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot.service.serve"], cwd=ROOT, env=env,
                               stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_or_kill(f"{url}/health", 60, process, log)
    yield url
    stop_process(process)


def test_a_rotating_forwarded_for_does_not_escape_the_login_throttle(served: str) -> None:
    """Behind no proxy, X-Forwarded-For from 127.0.0.1 is the client's own claim, and ignored."""
    codes = []
    for n in range(4):
        response = httpx.post(f"{served}/api/auth/token", timeout=10,
                              data={"username": "niemand@voorbeeld.nl", "password": STAFF_PASSWORD},
                              headers={"X-Forwarded-For": f"203.0.113.{n}"})
        codes.append(response.status_code)
    assert codes == [401, 401, 429, 429]


def test_a_rotating_forwarded_for_does_not_escape_the_token_throttle(served: str) -> None:
    codes = [httpx.post(f"{served}{LEAD_ENDPOINT}", json={}, timeout=10,
                        headers={**WRONG, "X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
    assert codes == [401, 401, 429]


def test_the_service_names_a_missing_secret_and_does_not_start(tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path / 'leads.db'}", SERVICE_PORT=str(free_port()),
                   SERVICE_TOKEN="dev-service-token-change-me", STAFF_SECRET_KEY="")
    result = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "bot.service.serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SERVICE_TOKEN is a placeholder" in result.stderr
