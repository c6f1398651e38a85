"""Staff login over the JSON API: tokens, expiry, deactivation, roles, the audit log, rate limiting.

Runs on SQLite and PostgreSQL, like every API test.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service.api.main import create_app
from bot.service.auth import passwords, tokens
from bot.service.auth.throttle import LoginThrottle
from bot.service.db.models import AuditEntry, Lead, StaffAccount
from bot.service.db.types import utcnow
from bot.service.settings import Settings
from tests.service.conftest import SERVICE, STAFF, STAFF_PASSWORD, bearer, make_settings
from tests.service.factories import lead_payload
from tests.support.postgres import REQUIRE_SERVICES

WRONG = {"detail": "E-mailadres of wachtwoord klopt niet."}


def create_lead(client: TestClient, **overrides) -> dict:
    response = client.post("/api/leads", json=lead_payload(**overrides), headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


def login(client: TestClient, email: str, password: str):
    return client.post("/api/auth/token", data={"username": email, "password": password})


def audit_entries(session: Session) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_login_gives_a_personal_token_that_opens_the_staff_api(client: TestClient, make_account) -> None:
    make_account("sanne@voorbeeld.nl", role="mentor", name="Sanne de Vries")

    response = login(client, "Sanne@Voorbeeld.nl ", STAFF_PASSWORD)  # as people type it

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = client.get("/api/auth/me", headers=headers).json()
    assert me["email"] == "sanne@voorbeeld.nl" and me["display_name"] == "Sanne de Vries" and me["role"] == "mentor"
    assert client.get("/api/staff/leads", headers=headers).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient, make_account) -> None:
    make_account("sanne@voorbeeld.nl")

    wrong_password = login(client, "sanne@voorbeeld.nl", "fiets paraplu hagelslag 43")
    unknown_user = login(client, "niemand@voorbeeld.nl", STAFF_PASSWORD)

    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert response.json() == WRONG
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "form",
    [{}, {"username": "sanne@voorbeeld.nl"}, {"username": "a\x00b@voorbeeld.nl", "password": "x"},
     {"username": "x" * 2000, "password": "x"}, {"username": "a", "password": "b", "grant_type": "client_credentials"}],
    ids=["empty", "no-password", "nul", "too-long", "grant-type"],
)
def test_garbage_login_forms_are_refused_without_a_server_error(client: TestClient, form: dict) -> None:
    response = client.post("/api/auth/token", data=form)
    assert response.status_code in (401, 422)
    assert isinstance(response.json()["detail"], str)


def test_expired_and_forged_tokens_are_401(client: TestClient, app: FastAPI, make_account) -> None:
    account = make_account()
    settings = app.state.settings
    expired = tokens.issue(account, settings, now=utcnow() - timedelta(minutes=61)).token
    valid = tokens.issue(account, settings).token
    claims = jwt.decode(valid, options={"verify_signature": False})
    forged = jwt.encode(claims, "another-key-" + "x" * 32, algorithm="HS256")
    none_alg = jwt.encode({"sub": str(account.id), "ver": 0}, key=None, algorithm="none")

    for token in (expired, forged, none_alg, "not-a-token"):
        response = client.get("/api/staff/leads", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json() == {"detail": "Ongeldig of ontbrekend token."}
    assert client.get("/api/staff/leads", headers={"Authorization": f"Bearer {valid}"}).status_code == 200


def test_deactivated_account_is_refused_at_once(client: TestClient, make_account) -> None:
    mentor = make_account("mentor@voorbeeld.nl")
    headers = bearer(client, "mentor@voorbeeld.nl")

    response = client.post(f"/api/staff/accounts/{mentor.id}/deactivate", headers=STAFF)

    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/staff/leads", headers=headers).status_code == 401  # the old token
    assert login(client, "mentor@voorbeeld.nl", STAFF_PASSWORD).json() == WRONG  # and no new one


def test_password_reset_ends_old_tokens(client: TestClient, make_account) -> None:
    mentor = make_account("mentor@voorbeeld.nl")
    old = bearer(client, "mentor@voorbeeld.nl")

    new_password = "zeilboot tulpenveld regenjas 7"
    response = client.put(f"/api/staff/accounts/{mentor.id}/password", json={"password": new_password}, headers=STAFF)

    assert response.status_code == 200
    assert client.get("/api/auth/me", headers=old).status_code == 401
    assert login(client, "mentor@voorbeeld.nl", STAFF_PASSWORD).status_code == 401
    assert client.get("/api/auth/me", headers=bearer(client, "mentor@voorbeeld.nl", new_password)).status_code == 200


# --- roles -----------------------------------------------------------------------------------------


ADMIN_ONLY = [
    ("DELETE", "/api/staff/leads/{id}"),
    ("DELETE", "/api/staff/persons?email={email}"),
    ("GET", "/api/staff/persons/export?email={email}"),
    ("GET", "/api/staff/accounts"),
    ("POST", "/api/staff/accounts/{account}/deactivate"),
    ("GET", "/api/staff/audit"),
]


@pytest.mark.parametrize("endpoint", ADMIN_ONLY, ids=[f"{method} {path}" for method, path in ADMIN_ONLY])
def test_a_mentor_cannot_erase_export_or_manage_accounts(
    client: TestClient, session: Session, make_account, endpoint: tuple[str, str]
) -> None:
    lead = create_lead(client)
    other = make_account("collega@voorbeeld.nl")
    make_account("mentor@voorbeeld.nl")
    method, path = endpoint

    response = client.request(
        method,
        path.format(id=lead["id"], email=lead_payload()["email"].replace("anna", "x"), account=other.id),
        headers=bearer(client, "mentor@voorbeeld.nl"),
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Alleen een beheerder mag dit."}
    assert session.get(Lead, lead["id"]) is not None
    session.refresh(other)
    assert other.active
    assert audit_entries(session) == []


def test_a_mentor_reads_leads_transcripts_and_updates_status(client: TestClient, make_account) -> None:
    lead = create_lead(client, conversation_id="gesprek-mentor")
    make_account("mentor@voorbeeld.nl")
    headers = bearer(client, "mentor@voorbeeld.nl")

    assert client.get(f"/api/staff/leads/{lead['id']}", headers=headers).status_code == 200
    update = client.patch(f"/api/staff/leads/{lead['id']}", json={"status": "contacted"}, headers=headers)
    assert update.status_code == 200 and update.json()["status"] == "contacted"
    transcript = client.get("/api/staff/conversations/gesprek-mentor/transcript", headers=headers)
    assert transcript.status_code == 200 and transcript.json()["lead"]["id"] == lead["id"]


def test_admin_erase_and_export_are_audited(client: TestClient, session: Session, make_account) -> None:
    admin = make_account("beheer@voorbeeld.nl", role="admin", name="Bea")
    headers = bearer(client, "beheer@voorbeeld.nl")
    first = create_lead(client, email="anna@voorbeeld.nl")
    second = create_lead(client, email="anna@voorbeeld.nl")
    single = create_lead(client)

    export = client.get("/api/staff/persons/export", params={"email": "anna@voorbeeld.nl"}, headers=headers)
    erase = client.delete("/api/staff/persons", params={"email": "anna@voorbeeld.nl"}, headers=headers)
    erase_one = client.delete(f"/api/staff/leads/{single['id']}", headers=headers)

    assert export.status_code == 200 and len(export.json()["leads"]) == 2
    assert erase.json()["leads"] == 2 and erase_one.json()["leads"] == 1
    assert client.delete(f"/api/staff/leads/{single['id']}", headers=headers).status_code == 404
    entries = audit_entries(session)
    assert [(entry.action, entry.actor_id, entry.actor) for entry in entries] == [
        ("person.export", admin.id, "beheer@voorbeeld.nl"),
        ("person.erase", admin.id, "beheer@voorbeeld.nl"),
        ("lead.erase", admin.id, "beheer@voorbeeld.nl"),
    ]
    assert entries[0].target == f"leads:{first['id']},{second['id']}"
    assert entries[1].detail == {"lead_ids": [first["id"], second["id"]], "searched_by": ["email"]}
    assert entries[2].target == f"lead:{single['id']}"
    # Ids only: the address the person was found by is nowhere in the log.
    assert all("anna" not in f"{entry.target} {entry.detail}" for entry in entries)


def test_staff_token_is_an_admin_automation_credential_and_is_audited_as_such(
    client: TestClient, session: Session
) -> None:
    create_lead(client, phone="+31612345678", email=None)

    me = client.get("/api/auth/me", headers=STAFF).json()
    erase = client.delete("/api/staff/persons", params={"phone": "06 12345678"}, headers=STAFF)

    assert me == {"id": None, "email": None, "display_name": "Automatisering (STAFF_TOKEN)", "role": "admin"}
    assert erase.json()["leads"] == 1
    [entry] = audit_entries(session)
    assert (entry.action, entry.actor_id, entry.actor, entry.detail["searched_by"]) == (
        "person.erase", None, "STAFF_TOKEN", ["phone"]
    )


def test_audit_log_pages_newest_first_and_filters(client: TestClient) -> None:
    for number in range(3):
        account = {"email": f"mentor{number}@voorbeeld.nl", "display_name": "M", "role": "mentor",
                   "password": STAFF_PASSWORD}
        assert client.post("/api/staff/accounts", json=account, headers=STAFF).status_code == 201
    client.delete("/api/staff/persons", params={"email": "niemand@voorbeeld.nl"}, headers=STAFF)

    everything = client.get("/api/staff/audit", headers=STAFF).json()
    first_page = client.get("/api/staff/audit", params={"limit": 2}, headers=STAFF).json()
    erasures = client.get("/api/staff/audit", params={"action": "person.erase"}, headers=STAFF).json()

    assert everything["total"] == 4
    assert everything["items"][0]["action"] == "person.erase"  # newest first
    assert everything["items"][0]["detail"] == {"lead_ids": [], "searched_by": ["email"]}
    assert [item["id"] for item in first_page["items"]] == [item["id"] for item in everything["items"][:2]]
    assert erasures["total"] == 1
    assert {item["action"] for item in everything["items"][1:]} == {"account.create"}


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": "veel"}, {"limit": 101}, {"offset": -1}, {"offset": "x"}, {"action": "lead.view"},
     {"actor_id": 0}, {"actor_id": 2**40}],
    ids=lambda params: "-".join(f"{key}={value}" for key, value in params.items()),
)
def test_garbage_audit_parameters_are_422(client: TestClient, params: dict) -> None:
    response = client.get("/api/staff/audit", params=params, headers=STAFF)
    assert response.status_code == 422
    assert response.json()["detail"] == "De invoer klopt niet."


# --- rate limiting -------------------------------------------------------------------------------


def test_wrong_passwords_are_rate_limited_per_account(client: TestClient, make_account) -> None:
    make_account("sanne@voorbeeld.nl")
    make_account("bram@voorbeeld.nl")

    answers = [login(client, "sanne@voorbeeld.nl", f"fout wachtwoord {n}").status_code for n in range(5)]
    blocked = login(client, "sanne@voorbeeld.nl", STAFF_PASSWORD)  # even the right one, for now

    assert answers == [401] * 5
    assert blocked.status_code == 429
    assert blocked.json()["detail"].startswith("Te veel mislukte pogingen.")
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    assert login(client, "bram@voorbeeld.nl", STAFF_PASSWORD).status_code == 200  # another account is not


def test_a_successful_login_clears_the_failures(client: TestClient, make_account) -> None:
    make_account("sanne@voorbeeld.nl")
    for round_ in range(2):
        for n in range(4):
            assert login(client, "sanne@voorbeeld.nl", f"fout {round_} {n}").status_code == 401
        assert login(client, "sanne@voorbeeld.nl", STAFF_PASSWORD).status_code == 200


def test_unknown_accounts_are_rate_limited_too(client: TestClient) -> None:
    answers = [login(client, "raden@voorbeeld.nl", f"poging {n}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]


def test_logins_record_the_moment_and_upgrade_old_hashes(
    client: TestClient, session: Session, make_account: Callable[..., StaffAccount]
) -> None:
    account = make_account("sanne@voorbeeld.nl")
    weak_parameters = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    account.password_hash = weak_parameters.hash(STAFF_PASSWORD)
    session.commit()

    assert login(client, "sanne@voorbeeld.nl", STAFF_PASSWORD).status_code == 200

    session.refresh(account)
    assert account.last_login_at is not None
    assert account.password_hash.startswith("$argon2id$") and "m=8," not in account.password_hash
    assert not passwords.HASHER.check_needs_rehash(account.password_hash)  # today's parameters


def test_redis_shares_the_failure_count_between_service_instances() -> None:
    """RATE_LIMIT_STORAGE_URL=redis://...: a second instance knows the first one's failures."""
    import redis  # in app.lock

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if REQUIRE_SERVICES:
            pytest.fail("no Redis at 127.0.0.1:6379 (REQUIRE_SERVICES=1)")
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = Settings(rate_limit_storage_url=url, login_max_failures=2)
    first, second = LoginThrottle(settings), LoginThrottle(settings)
    email = f"{secrets.token_hex(6)}@voorbeeld.nl"

    first.failed(email, "10.0.0.1")
    second.failed(email, "10.0.0.1")

    assert 0 < (first.retry_after(email, "10.0.0.1") or 0) <= 15 * 60
    assert second.retry_after(email, "10.0.0.2") is None  # another address is counted apart
    first.succeeded(email, "10.0.0.1")
    assert second.retry_after(email, "10.0.0.1") is None


def test_production_sends_the_session_cookie_over_https_only() -> None:
    settings = Settings(environment="production", service_token="Vb7kQ2xLr9Tz4WmN8pYc3HdJ6fGs1aE5s",
                        staff_secret_key="Vb7kQ2xLr9Tz4WmN8pYc3HdJ6fGs1aE5k")
    assert settings.staff_cookie_https_only
    assert not Settings(environment="development").staff_cookie_https_only


def test_logins_wait_when_the_failure_counter_is_unreachable(sqlite_url: str) -> None:
    """A Redis outage must not switch the rate limit off: 503, not an uncounted guess or a 500."""
    app = create_app(make_settings(sqlite_url, rate_limit_storage_url="redis://127.0.0.1:1/0"))
    with TestClient(app) as client:
        response = login(client, "sanne@voorbeeld.nl", STAFF_PASSWORD)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json() == {"detail": "Inloggen kan even niet. Probeer het over een minuut opnieuw."}
