"""POST /api/leads: validation, consent, idempotency, tokens, size limit (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service.db.models import Lead, Notification
from tests.service.conftest import MENTORS, SERVICE, STAFF
from tests.service.factories import lead_payload

REFERENCE = re.compile(r"^MW-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_valid_lead_is_created_and_stored(client: TestClient, session: Session) -> None:
    payload = lead_payload(email="Anna.de.Vries@Voorbeeld.NL", phone="06-1234 5678")
    response = client.post("/api/leads", json=payload, headers=SERVICE)

    assert response.status_code == 201, response.text
    body = response.json()
    assert REFERENCE.match(body["reference"])
    assert body["status"] == "new"
    lead = session.get(Lead, body["id"])
    assert lead is not None
    assert (lead.first_name, lead.email, lead.phone) == ("Anna", "anna.de.vries@voorbeeld.nl", "+31612345678")
    assert lead.topics == ["delegeren", "presenteren"]
    assert lead.answers == payload["answers"]
    assert lead.consent_store and lead.consent_contact and lead.consent_text_version == payload["consent_text_version"]
    assert lead.consent_at.isoformat() == "2026-11-20T10:00:00+00:00"
    assert (lead.assigned_mentor, lead.mentor_response) == (MENTORS[0], "pending")
    # The outbox row is written with the lead: one e-mail to the first mentor, due now.
    [notification] = lead.notifications
    assert (notification.channel, notification.target, notification.delivered_at) == ("email", MENTORS[0], None)


def test_same_conversation_twice_stores_one_lead(client: TestClient, session: Session) -> None:
    payload = lead_payload()
    first = client.post("/api/leads", json=payload, headers=SERVICE)
    second = client.post("/api/leads", json=payload, headers=SERVICE)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert count(session, Lead) == 1
    assert count(session, Notification) == 1  # and the mentor is told once


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("0470 12 34 56", "+32470123456"),  # Belgian mobile, national notation
        ("+32 470 12 34 56", "+32470123456"),
        ("0031 6 12345678", "+31612345678"),
        ("020-123 45 67", "+31201234567"),
    ],
)
def test_dutch_and_belgian_numbers_are_normalised(
    client: TestClient, session: Session, phone: str, expected: str
) -> None:
    response = client.post("/api/leads", json=lead_payload(phone=phone, email=None), headers=SERVICE)
    assert response.status_code == 201, response.text
    assert session.get(Lead, response.json()["id"]).phone == expected


@pytest.mark.parametrize("name", ["<script>alert('x')</script>", "/affirm", "Anna2", "R2-D2"])
def test_a_first_name_that_is_no_name_is_refused_in_dutch(client: TestClient, session: Session, name: str) -> None:
    response = client.post("/api/leads", json=lead_payload(first_name=name), headers=SERVICE)

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["loc"] == ["body", "first_name"] and problem["msg"].startswith("alleen een voornaam")
    assert name not in response.text  # never echoed
    assert count(session, Lead) == 0


def test_names_with_accents_hyphens_and_apostrophes_are_stored(client: TestClient) -> None:
    for name in ("Zoë", "Anne-Marie", "D'Hondt", "José María"):
        created = client.post("/api/leads", json=lead_payload(first_name=name), headers=SERVICE)
        assert created.status_code == 201, created.text
        assert client.get(f"/api/staff/leads/{created.json()['id']}", headers=STAFF).json()["first_name"] == name


REMOVE = object()
BAD_PAYLOADS = {
    "invalid-email": {"email": "anna@@voorbeeld"},
    "invalid-phone": {"phone": "12345"},
    "letters-as-phone": {"phone": "bel me maar"},
    "too-short-number": {"phone": "+31 6 1234"},
    "no-way-to-reach": {"email": None, "phone": None},
    "no-store-consent": {"consent_store": False},
    "no-contact-consent": {"consent_contact": False},
    "missing-consent-version": {"consent_text_version": REMOVE},
    "missing-consent-time": {"consent_at": REMOVE},
    "consent-in-future": {"consent_at": "2999-01-01T00:00:00Z"},
    "empty-name": {"first_name": "   "},
    "long-name": {"first_name": "A" * 51},
    "html-as-name": {"first_name": "<b>Anna</b>"},
    "email-consent-without-email": {"email": None, "consent_email": True, "consent_phone": True},
    "phone-without-its-consent": {"consent_email": True, "consent_phone": False},
    "long-moment": {"preferred_moment": "x" * 201},
    "nul-in-name": {"first_name": "An\x00na"},
    "too-many-topics": {"topics": ["t"] * 31},
    "long-reason": {"reasons": ["r" * 501]},
    "odd-answer-key": {"answers": {"Goal; DROP": "x"}},
    "unknown-recommendation": {"recommendation": "therapy"},
    "unknown-field": {"is_admin": True},
    "bad-transcript-url": {"transcript_url": "javascript:alert(1)"},
    "long-conversation-id": {"conversation_id": "c" * 129},
}


@pytest.mark.parametrize("changes", BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_invalid_input_is_refused_in_dutch(client: TestClient, session: Session, changes: dict) -> None:
    payload = {key: value for key, value in (lead_payload() | changes).items() if value is not REMOVE}
    response = client.post("/api/leads", json=payload, headers=SERVICE)

    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "De invoer klopt niet."
    assert response.json()["errors"]
    assert count(session, Lead) == 0


def test_missing_consent_is_explained(client: TestClient) -> None:
    response = client.post("/api/leads", json=lead_payload(consent_contact=False), headers=SERVICE)
    assert response.json()["errors"] == [
        {"loc": ["body", "consent_contact"], "msg": "zonder toestemming bewaren we niets (moet true zijn)"}
    ]


def test_error_answers_do_not_echo_personal_data(client: TestClient) -> None:
    response = client.post("/api/leads", json=lead_payload(email="geheim@@x", phone="999"), headers=SERVICE)
    assert response.status_code == 422
    assert "geheim" not in response.text and "999" not in response.text


@pytest.mark.parametrize("body", ["{not json", "[]", "null", '"text"'], ids=["broken-json", "list", "null", "string"])
def test_malformed_bodies_are_422(client: TestClient, body: str) -> None:
    response = client.post("/api/leads", content=body, headers=SERVICE | {"Content-Type": "application/json"})
    assert response.status_code == 422


def test_oversized_body_is_413(client: TestClient, session: Session) -> None:
    payload = lead_payload(preferred_moment="x" * 70_000)
    response = client.post("/api/leads", json=payload, headers=SERVICE)
    assert response.status_code == 413
    assert "te groot" in response.json()["detail"]
    assert count(session, Lead) == 0


def test_oversized_chunked_body_is_413(client: TestClient) -> None:
    # No Content-Length: the limit must count the streamed chunks.
    chunks = (b"x" * 16_384 for _ in range(5))
    response = client.post("/api/leads", content=chunks, headers=SERVICE | {"Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dXNlcjpwdw=="}, STAFF],
    ids=["missing", "wrong", "basic-auth", "staff-token"],
)
def test_wrong_token_is_401(client: TestClient, session: Session, headers: dict) -> None:
    response = client.post("/api/leads", json=lead_payload(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Ongeldig of ontbrekend token."}
    assert count(session, Lead) == 0


def test_forget_me_erases_the_conversation_lead(client: TestClient, session: Session) -> None:
    payload = lead_payload()
    client.post("/api/leads", json=payload, headers=SERVICE)
    client.post("/api/leads", json=lead_payload(), headers=SERVICE)  # someone else

    response = client.delete(f"/api/conversations/{payload['conversation_id']}/lead", headers=SERVICE)

    assert response.status_code == 200
    assert response.json() == {"leads": 1, "notifications": 1}
    assert count(session, Lead) == 1
    again = client.delete(f"/api/conversations/{payload['conversation_id']}/lead", headers=SERVICE)
    assert again.json() == {"leads": 0, "notifications": 0}


def test_unknown_paths_answer_in_dutch(client: TestClient) -> None:
    assert client.get("/api/nothing-here").json() == {"detail": "Niet gevonden."}
    assert client.get("/api/leads", headers=SERVICE).status_code == 405


def test_concurrent_hand_offs_store_one_lead(app, settings, session: Session) -> None:
    """Two action-server retries racing each other: the unique conversation id decides."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.service.leads import create_lead
    from bot.service.schemas import LeadCreate

    data = LeadCreate.model_validate(lead_payload())

    def hand_off(_: int):
        with app.state.sessionmaker() as own_session:
            result = create_lead(own_session, data, settings)
            return result.lead.id, result.created

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(hand_off, range(6)))

    assert len({lead_id for lead_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert count(session, Lead) == 1 and count(session, Notification) == 1
