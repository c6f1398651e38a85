"""Staff endpoints: list, filter, paginate, status workflow, mentor answers, export and erase."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.lead.texts import CONSENT_TEXT_VERSION
from bot.service.db.models import Lead
from bot.service.db.types import utcnow
from tests.service.conftest import MENTORS, SERVICE, STAFF
from tests.service.factories import lead_payload


def create(client: TestClient, **overrides) -> dict:
    response = client.post("/api/leads", json=lead_payload(**overrides), headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


def staff_get(client: TestClient, path: str, **params):
    return client.get(path, params=params, headers=STAFF)


def test_list_paginates_newest_first(client: TestClient) -> None:
    ids = [create(client)["id"] for _ in range(5)]

    pages = [staff_get(client, "/api/staff/leads", limit=2, offset=offset).json() for offset in (0, 2, 4)]

    assert [page["total"] for page in pages] == [5, 5, 5]
    assert [[item["id"] for item in page["items"]] for page in pages] == [ids[4:2:-1], ids[2:0:-1], ids[:1]]
    assert pages[0]["limit"] == 2 and pages[2]["offset"] == 4


def test_list_filters(client: TestClient, session: Session) -> None:
    training = create(client, recommendation="training", guidance_variant=None)
    coaching = create(client, recommendation="coaching", guidance_variant=None)
    old = create(client, recommendation="coaching", guidance_variant=None)
    session.execute(update(Lead).where(Lead.id == old["id"]).values(created_at=utcnow() - timedelta(days=30)))
    session.commit()
    client.patch(f"/api/staff/leads/{training['id']}", json={"status": "contacted"}, headers=STAFF)

    def ids(**params) -> list[int]:
        response = staff_get(client, "/api/staff/leads", **params)
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert ids(recommendation="coaching") == sorted([coaching["id"], old["id"]])
    assert ids(status="contacted") == [training["id"]]
    assert ids(status="new", recommendation="coaching") == sorted([coaching["id"], old["id"]])
    week_ago = (utcnow() - timedelta(days=7)).isoformat()
    assert ids(created_from=week_ago, recommendation="coaching") == [coaching["id"]]
    assert ids(created_to=week_ago) == [old["id"]]
    assert ids(created_from="2020-01-01T00:00:00", created_to="2020-12-31T00:00:00") == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "veel"},
        {"offset": -1},
        {"offset": 10**20},
        {"status": "gearchiveerd"},
        {"recommendation": "therapie"},
        {"created_from": "gisteren"},
        {"created_to": "2026-13-45"},
        {"created_from": "2026-02-01T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"},
    ],
    ids=lambda params: "-".join(f"{key}={value}" for key, value in params.items())[:40],
)
def test_garbage_list_parameters_are_422(client: TestClient, params: dict) -> None:
    response = staff_get(client, "/api/staff/leads", **params)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "path",
    [
        "/api/staff/leads",
        "/api/staff/leads/1",
        "/api/staff/notifications",
        "/api/staff/persons/export?email=a@b.nl",
    ],
)
def test_staff_endpoints_need_the_staff_token(client: TestClient, path: str) -> None:
    for headers in ({}, SERVICE, {"Authorization": "Bearer "}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_get_one_lead(client: TestClient) -> None:
    lead = create(client, first_name="Bram")
    response = staff_get(client, f"/api/staff/leads/{lead['id']}")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Bram"
    assert response.json()["reference"] == lead["reference"]
    assert staff_get(client, "/api/staff/leads/999999").status_code == 404
    assert staff_get(client, "/api/staff/leads/0").status_code == 422
    assert staff_get(client, f"/api/staff/leads/{2**40}").status_code == 422  # beyond PostgreSQL's integer
    assert staff_get(client, "/api/staff/leads/abc").status_code == 422


def test_status_workflow(client: TestClient) -> None:
    lead_id = create(client)["id"]

    def move(status: str) -> int:
        response = client.patch(f"/api/staff/leads/{lead_id}", json={"status": status}, headers=STAFF)
        return response.status_code

    assert move("matched") == 409  # a lead is contacted first
    assert move("closed") == 409
    assert move("contacted") == 200
    assert move("contacted") == 200  # unchanged: no-op
    assert move("new") == 409
    assert move("matched") == 200
    assert move("closed") == 409  # matched is final
    assert move("archived") == 422
    assert staff_get(client, f"/api/staff/leads/{lead_id}").json()["status"] == "matched"

    other = create(client)["id"]
    client.patch(f"/api/staff/leads/{other}", json={"status": "contacted"}, headers=STAFF)
    closed = client.patch(f"/api/staff/leads/{other}", json={"status": "closed"}, headers=STAFF)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    conflict = client.patch(f"/api/staff/leads/{lead_id}", json={"status": "new"}, headers=STAFF)
    assert "kan niet" in conflict.json()["detail"]
    missing = client.patch("/api/staff/leads/999999", json={"status": "contacted"}, headers=STAFF)
    assert missing.status_code == 404


def test_mentor_accepts(client: TestClient) -> None:
    lead_id = create(client)["id"]
    path = f"/api/staff/leads/{lead_id}/mentor-response"

    accepted = client.post(path, json={"response": "accepted"}, headers=STAFF)

    assert accepted.status_code == 200
    assert (accepted.json()["mentor_response"], accepted.json()["assigned_mentor"]) == ("accepted", MENTORS[0])
    assert client.post(path, json={"response": "declined"}, headers=STAFF).status_code == 409
    assert client.post(path, json={"response": "maybe"}, headers=STAFF).status_code == 422


def test_declined_lead_goes_to_the_next_mentor(client: TestClient, session: Session) -> None:
    lead_id = create(client)["id"]
    path = f"/api/staff/leads/{lead_id}/mentor-response"

    declined = client.post(path, json={"response": "declined"}, headers=STAFF).json()

    assert (declined["assigned_mentor"], declined["mentor_response"]) == (MENTORS[1], "pending")
    targets = [notification.target for notification in session.get(Lead, lead_id).notifications]
    assert targets == [MENTORS[0], MENTORS[1]]
    client.post(path, json={"response": "declined"}, headers=STAFF)
    last = client.post(path, json={"response": "declined"}, headers=STAFF).json()
    # Nobody after the last mentor: the decline stays visible to staff.
    assert (last["assigned_mentor"], last["mentor_response"]) == (MENTORS[2], "declined")


def test_export_one_person(client: TestClient) -> None:
    first = create(client, email="Sanne@Voorbeeld.nl", phone="06 11111111", first_name="Sanne")
    second = create(client, email=None, phone="+31 6 11111111", first_name="Sanne")
    create(client, email="iemand.anders@voorbeeld.nl", phone=None)

    by_email = staff_get(client, "/api/staff/persons/export", email="sanne@voorbeeld.NL").json()
    by_phone = staff_get(client, "/api/staff/persons/export", phone="0611111111").json()

    assert [lead["id"] for lead in by_email["leads"]] == [first["id"]]
    assert [lead["id"] for lead in by_phone["leads"]] == [first["id"], second["id"]]
    exported = by_phone["leads"][0]
    assert exported["first_name"] == "Sanne" and exported["consent_text_version"] == CONSENT_TEXT_VERSION
    assert exported["notifications"][0]["target"] == MENTORS[0]
    nobody = staff_get(client, "/api/staff/persons/export", email="niemand@voorbeeld.nl")
    assert nobody.status_code == 200 and nobody.json() == {"leads": []}


def test_erase_one_person(client: TestClient) -> None:
    create(client, email="sanne@voorbeeld.nl", phone="06 11111111")
    create(client, email=None, phone="06 11111111")
    other = create(client, email="iemand.anders@voorbeeld.nl", phone=None)

    response = client.delete(
        "/api/staff/persons", params={"email": "SANNE@voorbeeld.nl", "phone": "0611111111"}, headers=STAFF
    )

    assert response.status_code == 200
    assert response.json() == {"leads": 2, "notifications": 2}
    assert staff_get(client, "/api/staff/persons/export", phone="0611111111").json() == {"leads": []}
    assert [lead["id"] for lead in staff_get(client, "/api/staff/leads").json()["items"]] == [other["id"]]


@pytest.mark.parametrize(
    "params", [{}, {"email": "geen-adres"}, {"phone": "12"}, {"email": ""}], ids=["none", "email", "phone", "empty"]
)
def test_person_lookup_needs_a_valid_email_or_phone(client: TestClient, params: dict) -> None:
    assert staff_get(client, "/api/staff/persons/export", **params).status_code == 422
    assert client.delete("/api/staff/persons", params=params, headers=STAFF).status_code == 422
