"""Staff accounts: created and managed from the CLI and by admins over the API; passwords only as argon2 hashes."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service import cli
from bot.service.db.models import AuditEntry, StaffAccount
from bot.service.settings import Settings, get_settings
from tests.service.conftest import STAFF, STAFF_PASSWORD, bearer

NEW_PASSWORD = "zeilboot tulpenveld regenjas 7"


def account_body(**overrides) -> dict:
    return {"email": "joris@voorbeeld.nl", "display_name": "Joris", "role": "mentor", "password": STAFF_PASSWORD} | (
        overrides
    )


def stored(session: Session, email: str) -> StaffAccount | None:
    session.expire_all()
    return session.scalars(select(StaffAccount).where(StaffAccount.email == email)).first()


# --- over the API (admins) ---------------------------------------------------------------------


def test_an_admin_creates_an_account_that_can_log_in(client: TestClient, session: Session, make_account) -> None:
    admin = make_account("beheer@voorbeeld.nl", role="admin")

    response = client.post(
        "/api/staff/accounts", json=account_body(email="Joris@Voorbeeld.nl"), headers=bearer(client, admin.email)
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "joris@voorbeeld.nl" and body["role"] == "mentor" and body["active"] is True
    assert "password" not in str(body) and "hash" not in str(body)
    account = stored(session, "joris@voorbeeld.nl")
    assert account.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in account.password_hash
    assert client.get("/api/auth/me", headers=bearer(client, "joris@voorbeeld.nl")).json()["display_name"] == "Joris"
    [entry] = session.scalars(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target, entry.detail) == (
        "account.create", admin.id, f"account:{account.id}", {"role": "mentor"}
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "minstens 12 tekens"),
        ("wachtwoord123", "te makkelijk te raden"),
        ("welkom123456", "te makkelijk te raden"),
        ("joris1234567", "te makkelijk te raden"),
        ("aaaaaaaaaaaaaaaa", "te makkelijk te raden"),
        ("x" * 129, "tekst is te lang"),
    ],
)
def test_weak_passwords_are_refused_in_dutch(client: TestClient, session: Session, password: str, message: str) -> None:
    response = client.post("/api/staff/accounts", json=account_body(password=password), headers=STAFF)

    assert response.status_code == 422
    assert message in str(response.json())
    assert stored(session, "joris@voorbeeld.nl") is None


def test_a_long_passphrase_is_welcome(client: TestClient) -> None:
    passphrase = "de kat van de buren zit elke ochtend op ons tuinhek te wachten tot de bakker langskomt met brood"
    assert 72 < len(passphrase) <= 128
    assert client.post("/api/staff/accounts", json=account_body(password=passphrase), headers=STAFF).status_code == 201
    assert client.get("/api/auth/me", headers=bearer(client, "joris@voorbeeld.nl", passphrase)).status_code == 200


def test_an_address_has_one_account(client: TestClient) -> None:
    assert client.post("/api/staff/accounts", json=account_body(), headers=STAFF).status_code == 201
    again = client.post("/api/staff/accounts", json=account_body(email="JORIS@voorbeeld.nl"), headers=STAFF)
    assert again.status_code == 409
    assert again.json() == {"detail": "Er is al een account met dit e-mailadres."}


def test_accounts_list_and_filter(client: TestClient, make_account) -> None:
    make_account("a@voorbeeld.nl", role="admin")
    make_account("b@voorbeeld.nl")
    make_account("c@voorbeeld.nl")

    everyone = client.get("/api/staff/accounts", headers=STAFF).json()
    mentors = client.get("/api/staff/accounts", params={"role": "mentor", "limit": 1}, headers=STAFF).json()

    assert [item["email"] for item in everyone["items"]] == ["a@voorbeeld.nl", "b@voorbeeld.nl", "c@voorbeeld.nl"]
    assert mentors["total"] == 2 and [item["email"] for item in mentors["items"]] == ["b@voorbeeld.nl"]
    for params in ({"role": "baas"}, {"limit": "alle"}, {"offset": -5}, {"active": "misschien"}):
        assert client.get("/api/staff/accounts", params=params, headers=STAFF).status_code == 422


def test_admins_cannot_deactivate_themselves(client: TestClient, make_account) -> None:
    admin = make_account("beheer@voorbeeld.nl", role="admin")
    response = client.post(f"/api/staff/accounts/{admin.id}/deactivate", headers=bearer(client, admin.email))
    assert response.status_code == 409
    assert client.post("/api/staff/accounts/999999/deactivate", headers=STAFF).status_code == 404


def test_unauthenticated_account_requests_are_401(client: TestClient) -> None:
    for method, path in (("GET", "/api/staff/accounts"), ("POST", "/api/staff/accounts/1/deactivate"),
                         ("PUT", "/api/staff/accounts/1/password"), ("GET", "/api/staff/audit"),
                         ("GET", "/api/auth/me")):
        response = client.request(method, path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Ongeldig of ontbrekend token."}


# --- from the command line -----------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, settings: Settings):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_create_staff_from_the_command_line(
    client: TestClient, session: Session, environment, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["create-staff", "--email", "Bea@Voorbeeld.nl", "--name", "Bea Jansen", "--role", "admin",
            "--password-stdin"]

    assert run(environment, argv, STAFF_PASSWORD + "\n") == 0

    assert "Account aangemaakt: bea@voorbeeld.nl (admin)." in capsys.readouterr().out
    account = stored(session, "bea@voorbeeld.nl")
    assert account.display_name == "Bea Jansen" and account.role == "admin" and account.active
    assert account.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in account.password_hash
    me = client.get("/api/auth/me", headers=bearer(client, "bea@voorbeeld.nl")).json()
    assert me["role"] == "admin"
    [entry] = session.scalars(select(AuditEntry))
    assert (entry.actor, entry.action) == ("cli", "account.create")


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--email", "bea@voorbeeld.nl", "--name", "Bea", "--role", "admin"], "kort\n", "minstens 12 tekens"),
        (["--email", "bea@voorbeeld.nl", "--name", "Bea", "--role", "admin"], "mentorwijzer2026\n", "te makkelijk"),
        (["--email", "geen-adres", "--name", "Bea", "--role", "admin"], STAFF_PASSWORD, "geen geldig(e) e-mailadres"),
    ],
    ids=["short", "common", "bad-email"],
)
def test_create_staff_refuses_weak_passwords_and_bad_addresses(
    session: Session, environment, capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str, message: str
) -> None:
    assert run(environment, ["create-staff", *argv, "--password-stdin"], stdin) == 1

    assert message in capsys.readouterr().err
    assert stored(session, "bea@voorbeeld.nl") is None


def test_a_typed_password_must_match(session: Session, environment, capsys: pytest.CaptureFixture[str]) -> None:
    typed = iter([STAFF_PASSWORD, STAFF_PASSWORD + "x"])
    environment.setattr("getpass.getpass", lambda prompt="": next(typed))

    assert run(environment, ["create-staff", "--email", "bea@voorbeeld.nl", "--name", "Bea", "--role", "mentor"]) == 1

    assert "niet gelijk" in capsys.readouterr().err
    assert stored(session, "bea@voorbeeld.nl") is None


def test_set_password_deactivate_and_list(
    client: TestClient, session: Session, make_account, environment, capsys: pytest.CaptureFixture[str]
) -> None:
    make_account("sanne@voorbeeld.nl", name="Sanne")
    old_token = bearer(client, "sanne@voorbeeld.nl")

    assert run(environment, ["set-password", "--email", "SANNE@voorbeeld.nl", "--password-stdin"], NEW_PASSWORD) == 0
    assert client.get("/api/auth/me", headers=old_token).status_code == 401
    new_token = bearer(client, "sanne@voorbeeld.nl", NEW_PASSWORD)

    assert run(environment, ["deactivate", "--email", "sanne@voorbeeld.nl"]) == 0
    assert client.get("/api/auth/me", headers=new_token).status_code == 401

    assert run(environment, ["list-staff"]) == 0
    assert "sanne@voorbeeld.nl\tSanne\tmentor\tgedeactiveerd" in capsys.readouterr().out
    assert run(environment, ["deactivate", "--email", "niemand@voorbeeld.nl"]) == 1
    actions = [entry.action for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["account.password_reset", "account.deactivate"]
