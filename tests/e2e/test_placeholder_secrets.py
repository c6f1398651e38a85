"""No placeholder secret opens anything, and no process starts on one.

The probes: on a stack started the default way, a token signed with the old placeholder
STAFF_SECRET_KEY was an admin, `Bearer dev-staff-token-change-me` was an admin, and
`dev-service-token-change-me` created leads and erased conversations. Now no process accepts
a placeholder or short secret in any environment, naming the setting, and the running stack
(tests/support/stack.py, random secrets as `make run` generates them) refuses the old values.
"""

from __future__ import annotations

import base64
import json
import subprocess
from datetime import timedelta

import httpx
import jwt
import pytest
from itsdangerous import TimestampSigner
from pydantic import SecretStr

from bot.service.auth.keys import derived_key
from bot.service.auth.sessions import SESSION_COOKIE
from bot.service.auth.tokens import ALGORITHM, AUDIENCE, ISSUER
from bot.service.db.types import utcnow
from bot.service.settings import Settings
from tests.support.servers import ROOT, base_env

OLD_PLACEHOLDERS = {
    "SERVICE_TOKEN": "dev-service-token-change-me",
    "STAFF_TOKEN": "dev-staff-token-change-me",
    "STAFF_SECRET_KEY": "dev-staff-secret-key-change-me",
}


def forged_admin_token(secret_key: str) -> str:
    """A staff access token for account 1, signed as the service would with `secret_key`."""
    settings = Settings.model_construct(staff_secret_key=SecretStr(secret_key))
    now = utcnow()
    payload = {"sub": "1", "ver": 1, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(payload, derived_key(settings, "access-token"), algorithm=ALGORITHM)


def forged_session_cookie(secret_key: str) -> str:
    """A staff login cookie for account 1 in Starlette's format, signed with `secret_key`."""
    settings = Settings.model_construct(staff_secret_key=SecretStr(secret_key))
    data = base64.b64encode(json.dumps({"staff_id": 1, "ver": 1}).encode())
    return TimestampSigner(derived_key(settings, "session-cookie")).sign(data).decode()


def test_the_old_placeholders_open_nothing_on_a_running_stack(service) -> None:
    staff_api = f"{service.url}/api/staff/leads"
    for token in (OLD_PLACEHOLDERS["STAFF_TOKEN"], forged_admin_token(OLD_PLACEHOLDERS["STAFF_SECRET_KEY"])):
        response = httpx.get(staff_api, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 401
    service_token = {"Authorization": f"Bearer {OLD_PLACEHOLDERS['SERVICE_TOKEN']}"}
    assert httpx.delete(f"{service.url}/api/conversations/rest-someone", headers=service_token,
                        timeout=30).status_code == 401
    assert httpx.post(f"{service.url}/api/leads", json={}, headers=service_token, timeout=30).status_code == 401
    cookie = forged_session_cookie(OLD_PLACEHOLDERS["STAFF_SECRET_KEY"])
    page = httpx.get(f"{service.url}/staff", cookies={SESSION_COOKIE: cookie}, timeout=30)
    assert page.status_code in (302, 303, 307) and "/staff/login" in page.headers["location"]
    # The real ones still work: the refusals above are about the values.
    assert httpx.get(staff_api, headers={"Authorization": f"Bearer {service.staff_token}"},
                     timeout=30).status_code == 200


def run_briefly(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=base_env(**env), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name, value, says", [
    ("ACTION_SERVER_TOKEN", "change-me", "ACTION_SERVER_TOKEN is a placeholder"),
    ("WIDGET_SESSION_SECRET", "kort", "WIDGET_SESSION_SECRET is too short"),
    ("ACTION_SERVER_TOKEN", "", "ACTION_SERVER_TOKEN is not set"),
])
def test_rasa_does_not_start_on_a_placeholder(name: str, value: str, says: str) -> None:
    result = run_briefly([str(ROOT / "scripts" / "rasa-server.sh")], {name: value})
    assert result.returncode == 2 and says in result.stderr, result.stderr[-1000:]


@pytest.mark.parametrize("name, value, says", [
    ("ACTION_SERVER_TOKEN", "dev-action-token-change-me-0123456789", "ACTION_SERVER_TOKEN is a placeholder"),
    ("ACTION_SERVER_TOKEN", "", "ACTION_SERVER_TOKEN is not set"),
    ("SERVICE_TOKEN", "", "SERVICE_TOKEN is not set"),
])
def test_the_action_server_does_not_start_on_a_placeholder(name: str, value: str, says: str) -> None:
    valid = {"SERVICE_TOKEN": "Vb7kQ2xLr9Tz4WmN8pYc3HdJ6fGs1aE5s"}
    result = run_briefly([str(ROOT / ".venv/bin/python"), "-m", "actions.server", "--port", "9"],
                         {**valid, name: value})
    assert result.returncode != 0 and says in result.stderr, result.stderr[-1000:]


def test_the_outbox_worker_does_not_start_on_a_placeholder(tmp_path) -> None:
    result = run_briefly([str(ROOT / ".venv/bin/python"), "-m", "actions.lead_service.worker", "--once"],
                         {"SERVICE_TOKEN": "", "LEAD_OUTBOX_URL": f"sqlite:///{tmp_path / 'outbox.db'}"})
    assert result.returncode == 2 and "SERVICE_TOKEN is not set" in result.stderr, result.stderr[-1000:]
