"""Staff review of conversations over the JSON API, on SQLite and PostgreSQL: the list with its
filters and search, one conversation in detail, review, tags, notes, flagged messages and their
NLU export, the dashboard, exports, erasing a person, and the index that feeds it all.

Rasa's side is the Rasa-like `events` table (tests/service/rasa_tracker.py); the service
indexes it into `conversations` when a staff endpoint is read.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tests.service.conftest import SERVICE, STAFF, bearer
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import T0, RasaTracker, action, bot, slot, user

DAY = 24 * 3600
LIST = "/api/staff/conversations"
ONE = "/api/staff/conversations/{id}"
SCRIPT = "<script>alert('x')</script>"
MENTOR_EMAIL = "mentor@mentorwijzer.test"
ADMIN_EMAIL = "admin@mentorwijzer.test"


# --- helpers -------------------------------------------------------------------------------------------


def said(text: str, intent: str, timestamp: float, channel: str = "rest", confidence: float = 0.9) -> dict[str, Any]:
    return user(text, intent, confidence, timestamp) | {"input_channel": channel}


def visit(
    rasa: RasaTracker,
    sender: str,
    at: float = T0,
    words: str = "ik wil beter leren presenteren",
    intent: str = "need_skill",
    channel: str = "rest",
    *more: dict[str, Any],
) -> None:
    """One Rasa session: the session start, the visitor's first words, the assistant's question, and `more`."""
    rasa.save(
        sender,
        action("action_session_start", at),
        action("action_listen", at + 0.1),
        said(words, intent, at + 1, channel, 0.91),
        bot("Wil je dit in een groep of 1-op-1 leren?", at + 2, buttons=("In een groep", "1-op-1")),
        *more,
    )


def advice_given(at: float, form: str = "training", channel: str = "rest") -> list[dict[str, Any]]:
    return [
        said('/inform{"setting": "group"}', "inform", at + 10, channel, confidence=1.0),
        slot("goal", "skill", at + 10.1),
        slot("setting", "group", at + 10.2),
        slot("recommendation", form, at + 10.3),
        bot("Een training past het best bij je.", at + 10.5),
    ]


def hand_over(client: TestClient, **overrides: Any) -> dict[str, Any]:
    payload = lead_payload(**overrides)
    response = client.post("/api/leads", json=payload, headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json() | {"conversation_id": payload["conversation_id"], "email": payload["email"]}


def listed(client: TestClient, headers: dict[str, str] = STAFF, **params: Any) -> dict[str, Any]:
    response = client.get(LIST, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def senders(client: TestClient, **params: Any) -> list[str]:
    return [item["sender_id"] for item in listed(client, **params)["items"]]


def ids_of(client: TestClient, sender: str) -> list[int]:
    """This sender's conversations, oldest first."""
    return sorted(item["id"] for item in listed(client, limit=100)["items"] if item["sender_id"] == sender)


def id_of(client: TestClient, sender: str) -> int:
    [only] = ids_of(client, sender)
    return only


def detail(client: TestClient, conversation_id: int, headers: dict[str, str] = STAFF) -> dict[str, Any]:
    response = client.get(ONE.format(id=conversation_id), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def user_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [message for message in body["messages"] if message["speaker"] == "user"]


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def audit(client: TestClient, action: str) -> list[dict[str, Any]]:
    response = client.get("/api/staff/audit", params={"action": action}, headers=STAFF)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def flag(client: TestClient, conversation_id: int, event_id: int, intent: str, headers: dict[str, str] = STAFF):
    return client.post(f"{ONE.format(id=conversation_id)}/flags", json={"event_id": event_id, "correct_intent": intent},
                       headers=headers)


# --- who may do what -------------------------------------------------------------------------------------

ENDPOINTS = [
    ("GET", LIST, None),
    ("GET", ONE, None),
    ("PUT", ONE + "/review", {"reviewed": True}),
    ("PUT", ONE + "/tags", {"tags": ["opvolgen"]}),
    ("POST", ONE + "/notes", {"body": "bellen"}),
    ("POST", ONE + "/flags", {"event_id": 1, "correct_intent": "greet"}),
    ("GET", "/api/staff/flags", None),
    ("DELETE", "/api/staff/flags/1", None),
    ("GET", "/api/staff/flags/export", None),
    ("GET", "/api/staff/dashboard", None),
    ("GET", ONE + "/export", None),
    ("GET", ONE + "/export?format=csv", None),
    ("DELETE", ONE + "/person", None),
]
BAD_CREDENTIALS = {
    "none": {},
    "wrong": {"Authorization": "Bearer wrong"},
    "empty": {"Authorization": "Bearer "},
    "basic": {"Authorization": "Basic dXNlcjpwdw=="},
    "service-token": SERVICE,
}


def test_every_new_endpoint_wants_a_staff_token(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "tok-1")
    conversation = id_of(client, "tok-1")
    before = rasa.count("tok-1")

    for name, headers in BAD_CREDENTIALS.items():
        for method, path, body in ENDPOINTS:
            response = client.request(method, path.format(id=conversation), json=body, headers=headers)
            assert response.status_code == 401, (name, method, path, response.status_code)
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.json() == {"detail": "Ongeldig of ontbrekend token."}

    assert rasa.count("tok-1") == before
    body = detail(client, conversation)
    assert (body["reviewed_at"], body["tags"], body["notes"], body["flags"]) == (None, [], [], [])
    assert audit(client, "conversation.export") == [] and audit(client, "flags.export") == []


def test_a_mentor_may_read_review_tag_note_flag_and_export_but_not_erase(
    client: TestClient, rasa: RasaTracker, make_account
) -> None:
    account = make_account(MENTOR_EMAIL, role="mentor")
    mentor = bearer(client, MENTOR_EMAIL)
    visit(rasa, "mentor-1")
    conversation = id_of(client, "mentor-1")
    path = ONE.format(id=conversation)

    assert listed(client, mentor)["total"] == 1
    [message] = user_messages(detail(client, conversation, mentor))
    reviewed = client.put(f"{path}/review", json={"reviewed": True}, headers=mentor)
    tagged = client.put(f"{path}/tags", json={"tags": ["opvolgen"]}, headers=mentor)
    noted = client.post(f"{path}/notes", json={"body": "Morgen bellen."}, headers=mentor)
    flagged = flag(client, conversation, message["event_id"], "need_coaching", mentor)
    flags = client.get("/api/staff/flags", headers=mentor)
    nlu = client.get("/api/staff/flags/export", headers=mentor)
    dashboard = client.get("/api/staff/dashboard", headers=mentor)
    as_json = client.get(f"{path}/export", headers=mentor)
    as_csv = client.get(f"{path}/export?format=csv", headers=mentor)
    unflagged = client.delete(f"/api/staff/flags/{flagged.json()['id']}", headers=mentor)
    erase = client.delete(f"{path}/person", headers=mentor)

    assert [r.status_code for r in (reviewed, tagged, noted, flagged, flags, nlu, dashboard, as_json, as_csv)] == [
        200, 200, 201, 201, 200, 200, 200, 200, 200]
    assert unflagged.status_code == 204
    assert reviewed.json()["reviewed_by"] == MENTOR_EMAIL
    assert noted.json()["author"] == MENTOR_EMAIL
    assert flagged.json()["flagged_by"] == MENTOR_EMAIL
    assert erase.status_code == 403
    assert erase.json() == {"detail": "Alleen een beheerder mag dit."}
    assert rasa.count("mentor-1") > 0 and listed(client)["total"] == 1  # nothing erased
    assert audit(client, "person.erase") == []
    exports = audit(client, "conversation.export")
    assert [(e["actor"], e["actor_id"]) for e in exports] == [(MENTOR_EMAIL, account.id)] * 2


def test_an_admin_account_and_the_staff_token_may_erase(client: TestClient, rasa: RasaTracker, make_account) -> None:
    make_account(ADMIN_EMAIL, role="admin")
    admin = bearer(client, ADMIN_EMAIL)
    visit(rasa, "admin-1")
    visit(rasa, "admin-2", T0 + 60)

    for sender, headers, actor in (("admin-1", admin, ADMIN_EMAIL), ("admin-2", STAFF, "STAFF_TOKEN")):
        conversation = id_of(client, sender)
        assert client.get(ONE.format(id=conversation), headers=headers).status_code == 200
        reviewed = client.put(ONE.format(id=conversation) + "/review", json={"reviewed": True}, headers=headers)
        assert reviewed.json()["reviewed_by"] == actor
        erased = client.delete(ONE.format(id=conversation) + "/person", headers=headers)
        assert erased.status_code == 200, erased.text
        assert erased.json()["conversations"] == 1
        assert rasa.count(sender) == 0

    assert [entry["actor"] for entry in audit(client, "person.erase")] == ["STAFF_TOKEN", ADMIN_EMAIL]


# --- the list: filters, search, order, pages ---------------------------------------------------------------


@pytest.fixture
def four_visitors(rasa: RasaTracker) -> None:
    """Anna on the web, Bram on Telegram (handed over), Carla over REST, Dirk from the web to Telegram."""
    visit(rasa, "anna", T0, "Ik wil beter leren PRESENTEREN", "need_skill", "socketio",
          *advice_given(T0, "training", "socketio"))
    visit(rasa, "bram", T0 + DAY, "ik zoek een coach voor mijn stress", "need_coaching", "telegram",
          slot("recommendation", "coaching", T0 + DAY + 20), slot("lead_reference", "MW-BRAM1", T0 + DAY + 30))
    visit(rasa, "carla", T0 + 2 * DAY, "ik word leidinggevende", "need_leadership", "rest",
          slot("need", "leadership", T0 + 2 * DAY + 5), slot("recommendation", "mentoring", T0 + 2 * DAY + 20),
          slot("guidance_variant", "leadership", T0 + 2 * DAY + 20))
    visit(rasa, "dirk", T0 + 3 * DAY, "hoi", "greet", "socketio",
          said("ik weet het nog niet", "need_unsure", T0 + 3 * DAY + 60, "telegram"))
    rasa.save("eva", action("action_session_start", T0 + 4 * DAY), action("action_listen", T0 + 4 * DAY))  # never wrote


def test_the_list_is_newest_first_and_leaves_out_sessions_without_words(client: TestClient, four_visitors) -> None:
    body = listed(client)

    assert [item["sender_id"] for item in body["items"]] == ["dirk", "carla", "bram", "anna"]
    assert (body["total"], body["limit"], body["offset"]) == (4, 25, 0)
    dirk, carla, bram, anna = body["items"]
    assert (anna["channel"], anna["channels"], anna["need"], anna["recommendation"]) == (
        "web", ["web"], "need_skill", "training")
    assert anna["first_message"] == "Ik wil beter leren PRESENTEREN" and anna["user_messages"] == 2
    assert (bram["channel"], bram["handed_over"], bram["recommendation"]) == ("telegram", True, "coaching")
    assert (carla["need"], carla["guidance_variant"]) == ("need_leadership", "leadership")
    assert (dirk["channel"], dirk["channels"], dirk["need"], dirk["recommendation"]) == (
        "web", ["web", "telegram"], "need_unsure", None)
    assert anna["started_at"] == "2026-11-18T11:06:40Z"
    assert dirk["last_active_at"] == iso(T0 + 3 * DAY + 60)
    assert all(item["tags"] == [] and item["lead"] is None and item["reviewed_at"] is None for item in body["items"])
    assert "search_text" not in anna and "restart_pending" not in anna


FILTER_CASES = [
    ({"channel": "web"}, ["dirk", "anna"]),
    ({"channel": "telegram"}, ["dirk", "bram"]),
    ({"channel": "rest"}, ["carla"]),
    ({"need": "need_skill"}, ["anna"]),
    ({"need": "need_leadership"}, ["carla"]),
    ({"need": "need_unsure"}, ["dirk"]),
    ({"need": "need_career"}, []),
    ({"recommendation": "training"}, ["anna"]),
    ({"recommendation": "mentoring"}, ["carla"]),
    ({"recommendation": "none"}, ["dirk"]),
    ({"handed_over": "true"}, ["bram"]),
    ({"handed_over": "false"}, ["dirk", "carla", "anna"]),
    ({"reviewed": "false"}, ["dirk", "carla", "bram", "anna"]),
    ({"reviewed": "true"}, []),
    ({"started_from": iso(T0 + DAY)}, ["dirk", "carla", "bram"]),
    ({"started_to": iso(T0 + DAY)}, ["bram", "anna"]),
    ({"started_from": iso(T0 + DAY), "started_to": iso(T0 + DAY)}, ["bram"]),
    ({"started_from": "2026-11-19T12:06:40+01:00"}, ["dirk", "carla", "bram"]),  # Bram's start, in CET
    ({"started_from": "2026-11-19T11:06:41"}, ["dirk", "carla"]),  # no zone: UTC
    ({"started_from": "2026-11-19"}, ["dirk", "carla", "bram"]),
    ({"q": "presenteren"}, ["anna"]),
    ({"q": "PRESENTEREN"}, ["anna"]),
    ({"q": "Stress"}, ["bram"]),
    ({"q": "ik "}, ["dirk", "carla", "bram", "anna"]),
    ({"q": "in een groep"}, []),  # a button payload is not what the visitor typed
    ({"q": "hoi"}, ["dirk"]),
    ({"q": "mw-bram1"}, []),  # slots are not searched
    ({"q": "weet", "channel": "web"}, ["dirk"]),
    ({"q": "ik", "channel": "web", "need": "need_skill", "recommendation": "training"}, ["anna"]),
    ({"channel": "rest", "handed_over": "true"}, []),
    ({"tag": "niemand"}, []),
]


def test_each_filter_narrows_the_list(client: TestClient, four_visitors) -> None:
    for params, expected in FILTER_CASES:
        body = listed(client, **params)
        assert [item["sender_id"] for item in body["items"]] == expected, params
        assert body["total"] == len(expected), params


def test_search_takes_percent_and_underscore_literally(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "pct", T0, "ik ben 100% zeker", "affirm")
    visit(rasa, "under", T0 + 10, "zeker_weten", "affirm")
    visit(rasa, "plain", T0 + 20, "100 procent zekerxweten, 1000 keer", "affirm")
    visit(rasa, "slash", T0 + 30, "een \\ backslash en 'quote'", "affirm")

    assert senders(client, q="%") == ["pct"]
    assert senders(client, q="_") == ["under"]
    assert senders(client, q="100%") == ["pct"]
    assert senders(client, q="r_w") == ["under"]
    assert senders(client, q="0%z") == []
    assert senders(client, q="\\") == ["slash"]
    assert senders(client, q="'quote'") == ["slash"]
    assert senders(client, q="zeker") == ["plain", "under", "pct"]


def test_pages_of_the_list(client: TestClient, rasa: RasaTracker) -> None:
    for n in range(5):
        visit(rasa, f"page-{n}", T0 + n * 60)

    first = listed(client, limit=2)
    second = listed(client, limit=2, offset=2)
    last = listed(client, limit=2, offset=4)
    beyond = listed(client, limit=2, offset=10)

    assert [i["sender_id"] for i in first["items"]] == ["page-4", "page-3"]
    assert [i["sender_id"] for i in second["items"]] == ["page-2", "page-1"]
    assert [i["sender_id"] for i in last["items"]] == ["page-0"]
    assert beyond["items"] == []
    assert [(b["total"], b["limit"], b["offset"]) for b in (first, second, last, beyond)] == [
        (5, 2, 0), (5, 2, 2), (5, 2, 4), (5, 2, 10)]
    assert len(listed(client, limit=100)["items"]) == 5


def test_the_same_moment_is_ordered_by_id(client: TestClient, rasa: RasaTracker) -> None:
    for sender in ("same-a", "same-b", "same-c"):
        visit(rasa, sender, T0)

    items = listed(client)["items"]

    assert [item["sender_id"] for item in items] == ["same-c", "same-b", "same-a"]
    assert [item["id"] for item in items] == sorted((item["id"] for item in items), reverse=True)


GARBAGE_LIST_PARAMETERS = {
    "limit-abc": {"limit": "abc"},
    "limit-0": {"limit": "0"},
    "limit-101": {"limit": "101"},
    "limit-huge": {"limit": "9" * 30},
    "offset-negative": {"offset": "-1"},
    "offset-float": {"offset": "1.5"},
    "channel-fax": {"channel": "fax"},
    "channel-upper": {"channel": "WEB"},
    "need-foo": {"need": "foo"},
    "need-fallback": {"need": "nlu_fallback"},
    "recommendation-x": {"recommendation": "x"},
    "started-from-dutch": {"started_from": "gisteren"},
    "started-to-impossible": {"started_to": "2026-13-45"},
    "started-from-after-to": {"started_from": "2026-11-20T00:00:00Z", "started_to": "2026-11-19T00:00:00Z"},
    "started-from-overflow": {"started_from": "9999-12-31T23:59:59-23:59"},
    "started-to-underflow": {"started_to": "0001-01-01T00:00:00+23:59"},
    "reviewed-maybe": {"reviewed": "misschien"},
    "handed-over-maybe": {"handed_over": "soms"},
    "q-too-long": {"q": "x" * 201},
    "q-nul": {"q": "a\x00b"},
    "q-escape": {"q": "\x1b[31m"},
    "tag-too-long": {"tag": "x" * 41},
}


def test_garbage_list_parameters_are_422_not_500(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "garbage-1")

    for name, params in GARBAGE_LIST_PARAMETERS.items():
        response = client.get(LIST, params=params, headers=STAFF)
        assert response.status_code == 422, (name, response.text)
        assert isinstance(response.json()["detail"], str), name
    for params in ({"days": "0"}, {"days": "367"}, {"days": "abc"}, {"days": "-1"}):
        assert client.get("/api/staff/dashboard", params=params, headers=STAFF).status_code == 422, params


def test_odd_but_valid_list_parameters_work(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "odd-1", T0, "iets met 🙂 en é")

    for params in ({"started_from": "0001-01-01T00:00:00Z"}, {"started_to": "9999-12-31T23:59:59Z"},
                   {"q": "🙂"}, {"q": "É"}, {"q": "x" * 200}, {"q": ""}, {"tag": ""}, {"limit": "100", "offset": "0"},
                   {"q": "'; DROP TABLE conversations; --"}, {"tag": "%"}):
        response = client.get(LIST, params=params, headers=STAFF)
        assert response.status_code == 200, (params, response.text)

    assert senders(client, q="🙂") == ["odd-1"]
    assert senders(client, q="É") == ["odd-1"]
    assert senders(client, q="") == ["odd-1"]  # an empty search is no search
    assert senders(client, started_from="0001-01-01T00:00:00Z", started_to="9999-12-31T23:59:59Z") == ["odd-1"]


BY_ID = [
    ("GET", ONE, None), ("PUT", ONE + "/review", {"reviewed": True}), ("PUT", ONE + "/tags", {"tags": []}),
    ("POST", ONE + "/notes", {"body": "x"}), ("POST", ONE + "/flags", {"event_id": 1, "correct_intent": "greet"}),
    ("GET", ONE + "/export", None), ("GET", ONE + "/export?format=csv", None), ("DELETE", ONE + "/person", None),
    ("DELETE", "/api/staff/flags/{id}", None),
]


def test_garbage_ids_are_422_not_500(client: TestClient) -> None:
    for conversation_id in ("0", "-1", "abc", "99999999999", "1.5", "2147483648", "1e3", "%20", "١"):
        for method, path, body in BY_ID:
            response = client.request(method, path.format(id=conversation_id), json=body, headers=STAFF)
            assert response.status_code == 422, (conversation_id, method, path, response.text)


def test_unknown_ids_are_404_in_dutch(client: TestClient) -> None:
    for method, path, body in BY_ID:
        response = client.request(method, path.format(id=2**31 - 1), json=body, headers=STAFF)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] in ("Dit gesprek bestaat niet (meer).", "Deze markering bestaat niet (meer).")


# --- one conversation ------------------------------------------------------------------------------------------


def test_two_sessions_a_day_apart_are_two_linked_conversations(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "twice", T0, "ik wil beter leren presenteren")
    visit(rasa, "twice", T0 + DAY, "ik ben er weer", "greet")
    visit(rasa, "once", T0 + 10, "iets anders")

    first, second = ids_of(client, "twice")
    one, two = detail(client, first), detail(client, second)

    assert listed(client)["total"] == 3
    assert one["other_conversations"] == [second] and two["other_conversations"] == [first]
    assert detail(client, id_of(client, "once"))["other_conversations"] == []
    assert [m["text"] for m in user_messages(one)] == ["ik wil beter leren presenteren"]
    assert [m["text"] for m in user_messages(two)] == ["ik ben er weer"]
    assert one["started_at"] == iso(T0) and two["started_at"] == iso(T0 + DAY)
    assert (one["need"], two["need"]) == ("need_skill", None)


def test_a_restart_stays_in_the_same_conversation(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "restart-1", T0, "ik wil beter leren presenteren", "need_skill", "rest", slot("goal", "skill", T0 + 3))
    rasa.save("restart-1", said("/restart", "restart", T0 + 5), action("action_restart", T0 + 5),
              {"event": "restart", "timestamp": T0 + 5}, action("action_session_start", T0 + 5),
              said("opnieuw beginnen", "greet", T0 + 6), slot("setting", "group", T0 + 7))

    [conversation] = ids_of(client, "restart-1")
    body = detail(client, conversation)
    assert [m["text"] for m in user_messages(body)] == [
        "ik wil beter leren presenteren", "/restart", "opnieuw beginnen"]
    assert body["slots"] == {"setting": "group"}  # a restart forgets the slots, as Rasa does
    assert body["user_messages"] == 3


def test_detail_shows_intents_slots_advice_and_the_lead(client: TestClient, rasa: RasaTracker) -> None:
    sender = "detail-1"
    visit(rasa, sender, T0, "ik wil beter leren presenteren", "need_skill", "socketio", slot("need", "skill", T0 + 1.5),
          *advice_given(T0), said("mag een mentor mij bellen?", "request_human", T0 + 30, "socketio", 0.42),
          slot("lead_reference", "MW-TEST1", T0 + 40))
    conversation = id_of(client, sender)

    before = detail(client, conversation)
    lead = hand_over(client, conversation_id=sender)
    after = detail(client, conversation)

    assert before["lead"] is None
    assert after["lead"] == {"id": lead["id"], "reference": lead["reference"], "status": "new",
                             "created_at": lead["created_at"]}
    assert [item["lead"] for item in listed(client)["items"]] == [after["lead"]]
    assert after["handed_over"] is True and after["need"] == "need_skill"
    speakers = [(m["speaker"], m["text"]) for m in after["messages"]]
    assert speakers == [
        ("user", "ik wil beter leren presenteren"),
        ("bot", "Wil je dit in een groep of 1-op-1 leren?"),
        ("user", '/inform{"setting": "group"}'),
        ("bot", "Een training past het best bij je."),
        ("user", "mag een mentor mij bellen?"),
    ]
    first, button, question = user_messages(after)
    assert (first["intent"], first["confidence"], first["flag"]) == ("need_skill", 0.91, None)
    assert (button["intent"], button["confidence"]) == ("inform", 1.0)
    assert (question["intent"], question["confidence"]) == ("request_human", 0.42)
    assert first["time"] == iso(T0 + 1)
    assert after["messages"][1]["buttons"] == ["In een groep", "1-op-1"]
    event_ids = [m["event_id"] for m in after["messages"]]
    assert event_ids == sorted(event_ids) and len(set(event_ids)) == len(event_ids)
    assert after["slots"] == {"need": "skill", "goal": "skill", "setting": "group", "recommendation": "training",
                              "lead_reference": "MW-TEST1"}
    advice = after["advice"]
    assert (advice["form"], advice["variant"], advice["runner_up"]) == ("training", None, "coaching")
    assert 0 < advice["confidence"] <= 1
    assert advice["reasons"] and all(reason["text"] and reason["sources"] for reason in advice["reasons"])
    assert advice["why_not"]["text"]
    assert (after["notes"], after["flags"], after["tags"], after["other_conversations"]) == ([], [], [], [])


def test_a_conversation_without_advice_has_none(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "no-advice", T0, "hoi", "greet", "rest", slot("recommendation", None, T0 + 3))

    body = detail(client, id_of(client, "no-advice"))

    assert body["advice"] is None and body["lead"] is None
    assert body["slots"] == {"recommendation": None}


def test_everything_typed_stays_byte_identical_in_json(client: TestClient, rasa: RasaTracker) -> None:
    texts = [SCRIPT, 'aanhalingstekens "dubbel" en \'enkel\'', "backslash \\ en \\n letterlijk", "emoji 🙂 é ß 中文",
             "&amp; al ge-escaped &lt;b&gt;", "regel een\nregel twee", "tab\there", "\u202eomgekeerd"]
    rasa.save("bytes-1", *[said(text, "out_of_scope", T0 + n) for n, text in enumerate(texts)],
              bot(f"Je schreef: {SCRIPT}", T0 + 20, buttons=(SCRIPT, "\"'&")))
    conversation = id_of(client, "bytes-1")
    note_body = f"{SCRIPT} & \"quotes\" \\ 🙂\nregel twee"

    note = client.post(f"{ONE.format(id=conversation)}/notes", json={"body": note_body}, headers=STAFF)
    response = client.get(ONE.format(id=conversation), headers=STAFF)
    exported = client.get(f"{ONE.format(id=conversation)}/export", headers=STAFF)
    item = listed(client)["items"][0]

    assert note.status_code == 201 and note.json()["body"] == note_body
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert [m["text"] for m in user_messages(body)] == texts
    assert body["messages"][-1]["text"] == f"Je schreef: {SCRIPT}"
    assert body["messages"][-1]["buttons"] == [SCRIPT, "\"'&"]
    assert body["notes"][0]["body"] == note_body
    assert item["first_message"] == SCRIPT
    assert SCRIPT in response.text  # JSON needs no HTML escaping; the screen that shows it escapes it
    assert "&amp;lt;" not in response.text and "\\\\\\\\" not in response.text
    assert [m["text"] for m in user_messages(exported.json())] == texts
    assert senders(client, q=SCRIPT) == ["bytes-1"]
    assert senders(client, q="&LT;B&GT;") == ["bytes-1"]


def test_unreadable_events_do_not_break_the_index_or_the_detail(client: TestClient, rasa: RasaTracker) -> None:
    rasa.save_raw("odd-1", "action", '{"event": "action", "name": "action_session_start"}', T0)
    rasa.save_raw("odd-1", "user", "{not json", T0)
    rasa.save_raw("odd-1", "bot", None, None)
    rasa.save_raw("odd-1", "slot", '{"event": "slot", "name": "recommendation", "value": NaN}', T0 + 2)
    rasa.save_raw("odd-1", "user", '{"event": "user", "text": 42, "parse_data": {"intent": "x"}}', 1e300)
    rasa.save_raw("odd-1", "user", '{"event": "user", "text": "groot", "timestamp": ' + "9" * 5000 + "}", None)
    rasa.save_raw("odd-1", "user", '{"event": "user", "text": "diep", "x": ' + "[" * 5000 + "]" * 5000 + "}", T0 + 3)
    rasa.save_raw("odd-1", "bot", '{"event": "bot", "text": "ok", "data": {"buttons": [1, {"title": 2}, {}]}}', T0)
    rasa.save("odd-1", said("gewoon", "greet", T0 + 5, confidence=float("nan")))
    visit(rasa, "normal-after", T0 + 60)

    body = listed(client)

    assert [item["sender_id"] for item in body["items"]] == ["normal-after", "odd-1"]
    odd = body["items"][1]
    assert odd["user_messages"] == 5 and odd["first_message"] == "gewoon" and odd["recommendation"] is None
    messages = detail(client, odd["id"])["messages"]
    assert [m["speaker"] for m in messages] == ["user", "bot", "user", "user", "user", "bot", "user"]
    assert messages[-1]["intent"] == "greet" and messages[-1]["confidence"] is None
    assert messages[2]["time"] == "1970-01-01T00:00:00Z"


def test_a_lone_surrogate_from_a_visitor_does_not_stop_the_index(client: TestClient, rasa: RasaTracker) -> None:
    """Python's json (Rasa's too) reads "\\ud800" into a string no database or UTF-8 encoder accepts."""
    rasa.save_raw("surrogate-1", "user", '{"event": "user", "text": "hoi \\ud800 daar", "input_channel": "rest"}', T0)
    visit(rasa, "after-surrogate", T0 + 60)

    response = client.get(LIST, headers=STAFF)

    assert response.status_code == 200, response.text
    assert [item["sender_id"] for item in response.json()["items"]] == ["after-surrogate", "surrogate-1"]
    one = client.get(ONE.format(id=response.json()["items"][1]["id"]), headers=STAFF)
    assert one.status_code == 200, one.text


# --- review, tags, notes -----------------------------------------------------------------------------------------


def test_review_on_and_off(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "review-1", T0)
    visit(rasa, "review-2", T0 + 60)
    conversation = id_of(client, "review-1")
    path = f"{ONE.format(id=conversation)}/review"

    on = client.put(path, json={"reviewed": True}, headers=STAFF)
    again = client.put(path, json={"reviewed": True}, headers=STAFF)

    assert on.status_code == 200 and on.json()["reviewed_by"] == "STAFF_TOKEN"
    reviewed_at = datetime.fromisoformat(on.json()["reviewed_at"])
    assert abs(datetime.now(UTC) - reviewed_at) < timedelta(minutes=1)
    assert again.json()["reviewed_at"] == on.json()["reviewed_at"]  # the first review counts
    assert senders(client, reviewed="true") == ["review-1"]
    assert senders(client, reviewed="false") == ["review-2"]
    assert listed(client)["items"][1]["reviewed_by"] == "STAFF_TOKEN"

    off = client.put(path, json={"reviewed": False}, headers=STAFF)

    assert (off.json()["reviewed_at"], off.json()["reviewed_by"]) == (None, None)
    assert senders(client, reviewed="true") == []
    assert senders(client, reviewed="false") == ["review-2", "review-1"]
    for body in ({}, {"reviewed": "misschien"}, {"reviewed": True, "by": "x"}, {"reviewed": None}):
        assert client.put(path, json=body, headers=STAFF).status_code == 422, body


def test_tags_are_normalised_replaced_and_filterable(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "tags-1", T0)
    visit(rasa, "tags-2", T0 + 60)
    conversation = id_of(client, "tags-1")
    path = f"{ONE.format(id=conversation)}/tags"

    first = client.put(path, json={"tags": ["opvolgen", " opvolgen ", "faq", "heel  belangrijk", "één-2_x"]},
                       headers=STAFF)

    assert first.status_code == 200, first.text
    all_four = {"faq", "heel belangrijk", "opvolgen", "één-2_x"}  # the order is the database's collation
    assert set(first.json()["tags"]) == all_four and len(first.json()["tags"]) == 4
    assert senders(client, tag="faq") == ["tags-1"]
    assert senders(client, tag="FAQ ") == ["tags-1"]
    assert senders(client, tag="heel belangrijk") == ["tags-1"]
    assert set(listed(client, tag="faq")["items"][0]["tags"]) == all_four

    replaced = client.put(path, json={"tags": ["faq", "nieuw"]}, headers=STAFF)

    assert replaced.json()["tags"] == ["faq", "nieuw"]
    assert senders(client, tag="opvolgen") == []
    assert senders(client, tag="nieuw") == ["tags-1"]
    assert detail(client, conversation)["tags"] == ["faq", "nieuw"]

    cleared = client.put(path, json={"tags": []}, headers=STAFF)
    assert cleared.json()["tags"] == [] and senders(client, tag="faq") == []


def test_tags_typed_with_capitals_are_lower_cased(client: TestClient, rasa: RasaTracker) -> None:
    """`Tag` says to_lower=True and set_tags folds case: "FAQ" is the tag "faq", not an error."""
    visit(rasa, "caps-1", T0)
    conversation = id_of(client, "caps-1")

    response = client.put(f"{ONE.format(id=conversation)}/tags", json={"tags": ["Opvolgen", "FAQ", "faq", "ÉÉN"]},
                          headers=STAFF)

    assert response.status_code == 200, response.text
    assert set(response.json()["tags"]) == {"faq", "opvolgen", "één"} and len(response.json()["tags"]) == 3
    assert senders(client, tag="faq") == ["caps-1"]


INVALID_TAGS = {
    "html": {"tags": ["<b>"]}, "empty": {"tags": [""]}, "blank": {"tags": ["   "]}, "too-long": {"tags": ["x" * 41]},
    "too-many": {"tags": ["a"] * 21}, "not-a-list": {"tags": "opvolgen"}, "number": {"tags": [1]},
    "dash-first": {"tags": ["-begint-met-streep"]}, "nul": {"tags": ["a\x00b"]}, "newline": {"tags": ["a\nb"]},
    "semicolon": {"tags": ["a;b"]}, "missing": {}, "extra-field": {"tags": ["ok"], "extra": 1},
}


def test_invalid_tags_are_422(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "bad-tags")
    conversation = id_of(client, "bad-tags")

    for name, body in INVALID_TAGS.items():
        response = client.put(f"{ONE.format(id=conversation)}/tags", json=body, headers=STAFF)
        assert response.status_code == 422, (name, response.text)

    assert detail(client, conversation)["tags"] == []


def test_notes_keep_their_author(client: TestClient, rasa: RasaTracker, make_account) -> None:
    make_account(MENTOR_EMAIL, role="mentor")
    mentor = bearer(client, MENTOR_EMAIL)
    visit(rasa, "notes-1")
    conversation = id_of(client, "notes-1")
    path = f"{ONE.format(id=conversation)}/notes"

    mine = client.post(path, json={"body": "  Morgen terugbellen.\nZe wil 1-op-1.  "}, headers=mentor)
    automated = client.post(path, json={"body": "Uit het script."}, headers=STAFF)

    assert mine.status_code == 201, mine.text
    assert (mine.json()["author"], mine.json()["body"]) == (MENTOR_EMAIL, "Morgen terugbellen.\nZe wil 1-op-1.")
    assert automated.json()["author"] == "STAFF_TOKEN"
    notes = detail(client, conversation)["notes"]
    assert [(n["author"], n["body"]) for n in notes] == [
        (MENTOR_EMAIL, "Morgen terugbellen.\nZe wil 1-op-1."), ("STAFF_TOKEN", "Uit het script.")]
    assert notes[0]["id"] < notes[1]["id"]
    for body in ({"body": ""}, {"body": "   "}, {"body": "x" * 4001}, {"body": "a\x00b"}, {"body": "a\rb"}, {},
                 {"body": "ok", "author": "iemand anders"}, {"body": 42}):
        assert client.post(path, json=body, headers=STAFF).status_code == 422, body
    assert len(detail(client, conversation)["notes"]) == 2


# --- flagged messages ----------------------------------------------------------------------------------------------


def test_flag_a_misunderstood_message_change_it_and_take_it_back(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "flags-1", T0, "ik wil leren pitchen", "need_coaching", "socketio", *advice_given(T0))
    conversation = id_of(client, "flags-1")
    first, _button = user_messages(detail(client, conversation))

    flagged = flag(client, conversation, first["event_id"], "need_skill")

    assert flagged.status_code == 201, flagged.text
    body = flagged.json()
    assert (body["conversation_id"], body["event_id"], body["text"]) == (conversation, first["event_id"],
                                                                          "ik wil leren pitchen")
    assert (body["predicted_intent"], body["predicted_confidence"]) == ("need_coaching", 0.91)
    assert (body["correct_intent"], body["flagged_by"]) == ("need_skill", "STAFF_TOKEN")
    shown = detail(client, conversation)
    assert user_messages(shown)[0]["flag"] == body and shown["flags"] == [body]

    changed = flag(client, conversation, first["event_id"], "ask_difference/duration")

    assert changed.status_code == 201
    assert changed.json()["id"] == body["id"] and changed.json()["correct_intent"] == "ask_difference/duration"
    listed_flags = client.get("/api/staff/flags", headers=STAFF).json()
    assert listed_flags["total"] == 1 and listed_flags["items"][0]["correct_intent"] == "ask_difference/duration"

    removed = client.delete(f"/api/staff/flags/{body['id']}", headers=STAFF)
    again = client.delete(f"/api/staff/flags/{body['id']}", headers=STAFF)

    assert (removed.status_code, again.status_code) == (204, 404)
    assert client.get("/api/staff/flags", headers=STAFF).json() == {"items": [], "total": 0}
    assert user_messages(detail(client, conversation))[0]["flag"] is None


def test_flags_only_take_the_assistants_intents(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "intent-1")
    conversation = id_of(client, "intent-1")
    [message] = user_messages(detail(client, conversation))

    for intent in ("need_pizza", "ask_difference", "nlu_fallback", "Need_Skill", "need skill",
                   "ask_difference/onbekend", "ask_difference/duration/extra", "", "x" * 65, "greet;"):
        response = flag(client, conversation, message["event_id"], intent)
        assert response.status_code == 422, (intent, response.text)

    assert client.get("/api/staff/flags", headers=STAFF).json()["total"] == 0


def test_only_the_visitors_own_words_in_this_conversation_can_be_flagged(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "what-1", T0, "ik wil leren pitchen", "need_coaching", "rest", *advice_given(T0))
    visit(rasa, "other-1", T0 + 30, "iemand anders", "greet")  # its event ids lie inside what-1's first visit
    visit(rasa, "what-1", T0 + DAY, "weer terug", "greet")  # the same visitor's next conversation
    mine, later = ids_of(client, "what-1")
    messages = detail(client, mine)["messages"]
    typed, bot_message, button = messages[0], messages[1], messages[2]
    [next_visit] = user_messages(detail(client, later))
    [someone_else] = user_messages(detail(client, id_of(client, "other-1")))

    for event_id in (bot_message["event_id"], button["event_id"], next_visit["event_id"], someone_else["event_id"],
                     typed["event_id"] - 1, 2**31 - 1):
        response = flag(client, mine, event_id, "need_skill")
        assert response.status_code == 422, (event_id, response.text)
        assert response.json()["detail"] == "Dit is geen bericht van de bezoeker in dit gesprek."
    for event_id in (0, -1, 2**31, "abc"):
        assert flag(client, mine, event_id, "need_skill").status_code == 422  # type: ignore[arg-type]

    assert flag(client, later, next_visit["event_id"], "greet").status_code == 201  # in its own conversation
    assert flag(client, mine, typed["event_id"], "need_skill").status_code == 201


def test_flags_export_as_nlu_training_data(client: TestClient, rasa: RasaTracker) -> None:
    tricky = '# hoe lang: [duurt] het? "echt"'
    visit(rasa, "nlu-1", T0, "ik wil leren pitchen", "need_coaching")
    visit(rasa, "nlu-2", T0 + 60, tricky, "out_of_scope")
    visit(rasa, "nlu-3", T0 + 120, "ik wil\nleren   pitchen", "need_coaching")
    for sender, intent in (("nlu-1", "need_skill"), ("nlu-2", "ask_difference/duration"), ("nlu-3", "need_skill")):
        conversation = id_of(client, sender)
        [message] = user_messages(detail(client, conversation))
        assert flag(client, conversation, message["event_id"], intent).status_code == 201

    response = client.get("/api/staff/flags/export", headers=STAFF)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/yaml; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="nlu-gemarkeerd-')
    assert response.headers["cache-control"] == "no-store"
    parsed = yaml.safe_load(response.text)
    assert parsed["version"] == "3.1"
    found = {block["intent"]: block["examples"].splitlines() for block in parsed["nlu"]}
    assert found == {"ask_difference/duration": [f"- {tricky}"], "need_skill": ["- ik wil leren pitchen"]}
    [entry] = audit(client, "flags.export")
    assert (entry["actor"], entry["target"], entry["detail"]) == ("STAFF_TOKEN", None, {"flags": 3})


def test_an_empty_flags_export_is_valid_yaml(client: TestClient) -> None:
    response = client.get("/api/staff/flags/export", headers=STAFF)

    assert yaml.safe_load(response.text) == {"version": "3.1", "nlu": []}
    assert len(audit(client, "flags.export")) == 1


def test_flags_list_pages(client: TestClient, rasa: RasaTracker) -> None:
    for n in range(3):
        visit(rasa, f"fl-{n}", T0 + n, f"bericht {n}", "out_of_scope")
        conversation = id_of(client, f"fl-{n}")
        [message] = user_messages(detail(client, conversation))
        flag(client, conversation, message["event_id"], "greet")

    page = client.get("/api/staff/flags", params={"limit": 2, "offset": 1}, headers=STAFF).json()

    assert page["total"] == 3 and len(page["items"]) == 2
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}):
        assert client.get("/api/staff/flags", params=params, headers=STAFF).status_code == 422


# --- exports, dashboard, audit ----------------------------------------------------------------------------------------


def test_export_a_conversation_as_json_and_csv(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "export-1", T0, "=HYPERLINK(\"http://x\",\"klik\")", "out_of_scope", "rest", *advice_given(T0))
    conversation = id_of(client, "export-1")
    path = f"{ONE.format(id=conversation)}/export"

    as_json = client.get(path, headers=STAFF)
    as_csv = client.get(path, params={"format": "csv"}, headers=STAFF)
    wrong = client.get(path, params={"format": "xml"}, headers=STAFF)

    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json; charset=utf-8"
    assert as_json.headers["content-disposition"] == f'attachment; filename="gesprek-{conversation}.json"'
    assert as_json.headers["cache-control"] == "no-store"
    assert as_json.json() == detail(client, conversation)
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"] == f'attachment; filename="gesprek-{conversation}.csv"'
    header, *rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert header[:3] == ["tijd (UTC)", "spreker", "tekst"]
    assert rows[0][1:5] == ["bezoeker", "'=HYPERLINK(\"http://x\",\"klik\")", "out_of_scope", "0.910"]
    assert rows[1][1] == "assistent" and rows[1][5] == "In een groep | 1-op-1"
    assert len(rows) == 4
    assert wrong.status_code == 422
    exports = audit(client, "conversation.export")
    assert [(e["target"], e["detail"]) for e in exports] == [
        (f"conversation:{conversation}", {"format": "csv"}), (f"conversation:{conversation}", {"format": "json"})]
    assert all(e["actor"] == "STAFF_TOKEN" for e in exports)


def test_the_audit_log_names_ids_never_words(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "audit-1", T0, "mijn geheime zorg")
    conversation = id_of(client, "audit-1")
    client.get(f"{ONE.format(id=conversation)}/export", headers=STAFF)
    client.get("/api/staff/flags/export", headers=STAFF)
    client.delete(f"{ONE.format(id=conversation)}/person", headers=STAFF)

    log = client.get("/api/staff/audit", headers=STAFF).json()

    assert [entry["action"] for entry in log["items"]][:3] == ["person.erase", "flags.export", "conversation.export"]
    assert "geheime zorg" not in str(log) and "audit-1" not in str(log)


def test_the_dashboard_counts_the_recent_days(client: TestClient, rasa: RasaTracker) -> None:
    now = time.time()
    visit(rasa, "dash-1", now - 3600, "ik wil leren presenteren", "need_skill", "socketio",
          said("asdf", "nlu_fallback", now - 3500), slot("recommendation", "training", now - 3400))
    visit(rasa, "dash-2", now - 2 * DAY, "ik zoek een coach", "need_coaching", "telegram",
          slot("recommendation", "coaching", now - 2 * DAY + 10))
    visit(rasa, "dash-old", now - 40 * DAY, "lang geleden", "need_skill")
    rasa.save("dash-empty", action("action_session_start", now - 60))
    hand_over(client)
    reviewed = id_of(client, "dash-2")
    client.put(f"{ONE.format(id=reviewed)}/review", json={"reviewed": True}, headers=STAFF)

    response = client.get("/api/staff/dashboard", params={"days": 7}, headers=STAFF)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["days"], body["conversations"], body["user_messages"], body["fallbacks"]) == (7, 2, 3, 1)
    assert body["fallback_share"] == round(1 / 3, 4)
    assert len(body["per_day"]) == 7 and sum(day["conversations"] for day in body["per_day"]) == 2
    assert body["per_day"][-1]["day"] >= body["per_day"][0]["day"]
    assert {c["key"]: c["count"] for c in body["needs"]} == {"need_skill": 1, "need_coaching": 1}
    assert {c["key"]: c["count"] for c in body["recommendations"]} == {"training": 1, "coaching": 1}
    assert {c["key"]: c["count"] for c in body["leads_by_status"]}["new"] == 1
    assert body["unreviewed"] == 1
    month = client.get("/api/staff/dashboard", headers=STAFF).json()
    assert month["days"] == 30 and month["conversations"] == 2
    assert client.get("/api/staff/dashboard", params={"days": 366}, headers=STAFF).json()["conversations"] == 3


# --- erasing a person -------------------------------------------------------------------------------------------------


def test_erasing_a_person_takes_every_conversation_event_lead_note_and_flag(
    client: TestClient, rasa: RasaTracker
) -> None:
    first = hand_over(client, email="anna.erase@voorbeeld.nl", phone="06 11111111")
    second = hand_over(client, email="Anna.Erase@voorbeeld.nl", phone="06 22222222")  # another device
    other = hand_over(client, phone="06 87654321")  # lead_payload gives everyone the same phone number
    anna, anna_elsewhere, bram = first["conversation_id"], second["conversation_id"], other["conversation_id"]
    visit(rasa, anna, T0, "ik wil leren presenteren")
    visit(rasa, anna, T0 + DAY, "ik ben er weer", "greet")
    visit(rasa, anna_elsewhere, T0 + 2 * DAY, "nu via telegram", "greet", "telegram")
    visit(rasa, bram, T0 + 3 * DAY, "ik ben bram", "greet")
    stored = rasa.count(anna) + rasa.count(anna_elsewhere)
    conversation, later = ids_of(client, anna)
    path = ONE.format(id=conversation)
    client.put(f"{path}/tags", json={"tags": ["opvolgen"]}, headers=STAFF)
    client.post(f"{path}/notes", json={"body": "Anna belt terug."}, headers=STAFF)
    [message] = user_messages(detail(client, conversation))
    assert flag(client, conversation, message["event_id"], "need_skill").status_code == 201
    elsewhere = id_of(client, anna_elsewhere)
    [elsewhere_message] = user_messages(detail(client, elsewhere))
    assert flag(client, elsewhere, elsewhere_message["event_id"], "greet").status_code == 201
    bram_conversation = id_of(client, bram)
    [bram_message] = user_messages(detail(client, bram_conversation))
    assert flag(client, bram_conversation, bram_message["event_id"], "greet").status_code == 201

    response = client.delete(f"{path}/person", headers=STAFF)

    assert response.status_code == 200, response.text
    erased = response.json()
    assert (erased["conversations"], erased["events"], erased["leads"]) == (3, stored, 2)
    assert rasa.count(anna) == 0 and rasa.count(anna_elsewhere) == 0
    assert rasa.count(bram) > 0
    for _ in range(2):  # the index does not bring them back, now or on the next call
        assert senders(client) == [bram]
    for gone in (conversation, later):
        assert client.get(ONE.format(id=gone), headers=STAFF).status_code == 404
    assert client.get(f"/api/staff/leads/{first['id']}", headers=STAFF).status_code == 404
    assert client.get(f"/api/staff/leads/{second['id']}", headers=STAFF).status_code == 404
    assert client.get(f"/api/staff/leads/{other['id']}", headers=STAFF).status_code == 200
    flags = client.get("/api/staff/flags", headers=STAFF).json()
    assert flags["total"] == 1 and flags["items"][0]["conversation_id"] == bram_conversation
    assert senders(client, tag="opvolgen") == []
    [entry] = audit(client, "person.erase")
    assert entry["actor"] == "STAFF_TOKEN"
    assert sorted(entry["detail"]["conversation_ids"]) == sorted([conversation, later, elsewhere])
    assert sorted(entry["detail"]["lead_ids"]) == sorted([first["id"], second["id"]])
    assert client.delete(f"{path}/person", headers=STAFF).status_code == 404  # nothing left to erase


def test_a_visitor_after_an_erased_newest_conversation_is_still_indexed(client: TestClient, rasa: RasaTracker) -> None:
    """Erasing the newest events must not hide the next visitor: SQLite hands their ids out again
    (Rasa's `events.id` is a plain INTEGER PRIMARY KEY, no AUTOINCREMENT)."""
    visit(rasa, "before", T0)
    visit(rasa, "forget-me", T0 + 60)
    erased = client.delete(f"{ONE.format(id=id_of(client, 'forget-me'))}/person", headers=STAFF)
    assert erased.status_code == 200 and rasa.count("forget-me") == 0

    visit(rasa, "next-visitor", T0 + 120, "ik ben nieuw hier", "greet")
    rasa.save("before", said("nog een vraag", "ask_more", T0 + 130))

    body = listed(client)
    assert [item["sender_id"] for item in body["items"]] == ["before", "next-visitor"]
    assert body["items"][0]["user_messages"] == 2
    assert [m["text"] for m in user_messages(detail(client, body["items"][1]["id"]))] == ["ik ben nieuw hier"]


def test_events_left_behind_by_a_failed_erase_are_not_indexed_again(
    client: TestClient, rasa: RasaTracker, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tracker store fails during the erasure: the events stay until the dispatcher's retry,
    and the index (PostgreSQL re-reads recent ids) must not bring the conversation back meanwhile."""
    visit(rasa, "stuck-1", T0)
    visit(rasa, "keeper-2", T0 + 10)
    conversation = id_of(client, "stuck-1")

    def unreachable(_sender: str) -> int:
        raise OperationalError("DELETE FROM events", {}, Exception("connection refused"))

    monkeypatch.setattr(app.state.tracker, "erase", unreachable)
    erased = client.delete(f"{ONE.format(id=conversation)}/person", headers=STAFF)

    assert erased.status_code == 200, erased.text
    assert erased.json()["conversations"] == 1 and erased.json()["events"] == 0
    assert rasa.count("stuck-1") > 0  # still there: the dispatcher erases them when due
    rasa.save("keeper-2", said("nog iets", "inform", T0 + 20))  # new events make the indexer run
    for _ in range(2):
        assert senders(client) == ["keeper-2"]
    assert client.get(ONE.format(id=conversation), headers=STAFF).status_code == 404


def test_an_erased_visitor_who_comes_back_starts_afresh(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "back-1", T0)
    visit(rasa, "keeper", T0 + 10)
    erased = client.delete(f"{ONE.format(id=id_of(client, 'back-1'))}/person", headers=STAFF)
    assert erased.status_code == 200
    assert senders(client) == ["keeper"]

    visit(rasa, "back-1", T0 + DAY, "daar ben ik weer", "greet")

    [conversation] = ids_of(client, "back-1")
    body = detail(client, conversation)
    assert [m["text"] for m in user_messages(body)] == ["daar ben ik weer"]
    assert body["other_conversations"] == [] and body["user_messages"] == 1


# --- the index follows Rasa -------------------------------------------------------------------------------------------


def test_new_events_are_appended_to_the_same_conversation(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "inc-1", T0)
    [before] = listed(client)["items"]
    assert (before["user_messages"], before["recommendation"], before["handed_over"]) == (1, None, False)

    rasa.save("inc-1", *advice_given(T0), said("ja, verstuur maar", "affirm", T0 + 40),
              slot("lead_reference", "MW-INC1", T0 + 41), said("asdf", "nlu_fallback", T0 + 50))
    visit(rasa, "inc-2", T0 + 45)

    body = listed(client)
    inc1 = next(item for item in body["items"] if item["sender_id"] == "inc-1")
    assert body["total"] == 2 and [i["sender_id"] for i in body["items"]] == ["inc-1", "inc-2"]
    assert inc1["id"] == before["id"]
    assert (inc1["user_messages"], inc1["fallbacks"], inc1["recommendation"], inc1["handed_over"]) == (
        4, 1, "training", True)
    assert inc1["started_at"] == before["started_at"]
    assert inc1["last_active_at"] == iso(T0 + 50) != before["last_active_at"]
    assert inc1["first_message"] == before["first_message"]
    assert len(user_messages(detail(client, inc1["id"]))) == 4

    rasa.save("inc-1", action("action_session_start", T0 + DAY), said("volgende dag", "greet", T0 + DAY + 1))
    assert len(ids_of(client, "inc-1")) == 2
    assert listed(client)["total"] == 3


def test_the_detail_indexes_too(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "detail-inc")
    conversation = id_of(client, "detail-inc")
    rasa.save("detail-inc", said("nog iets", "inform", T0 + 100))

    body = detail(client, conversation)

    assert body["user_messages"] == 2
    assert [m["text"] for m in user_messages(body)][-1] == "nog iets"


def test_many_events_at_once_are_indexed_in_batches(client: TestClient, rasa: RasaTracker) -> None:
    """More than one request's worth of indexing (5 batches of 2000): the rest follows on the next call."""
    events = []
    for n in range(1200):
        at = T0 + n * 10
        events += [said(f"bericht {n}", "inform", at), bot("ok", at + 1)]
    rasa.save("bulk-1", *events)
    for n in range(500):
        rasa.save_raw(f"bulk-s{n}", "user", f'{{"event": "user", "text": "hoi {n}", "input_channel": "socketio"}}',
                      T0 + n)

    body = listed(client, limit=1)
    if body["total"] < 501:  # what one request did not get to, the next one does
        body = listed(client, limit=1)

    assert body["total"] == 501
    [bulk] = [item for item in listed(client, q="bericht 1199")["items"]]
    assert (bulk["sender_id"], bulk["user_messages"]) == ("bulk-1", 1200)
    assert listed(client, channel="web")["total"] == 500


# --- the contract -----------------------------------------------------------------------------------------------------


def test_openapi_lists_the_new_paths(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]

    expected = {
        "/api/staff/conversations": {"get"},
        "/api/staff/conversations/{conversation_id}": {"get"},
        "/api/staff/conversations/{conversation_id}/review": {"put"},
        "/api/staff/conversations/{conversation_id}/tags": {"put"},
        "/api/staff/conversations/{conversation_id}/notes": {"post"},
        "/api/staff/conversations/{conversation_id}/flags": {"post"},
        "/api/staff/flags": {"get"},
        "/api/staff/flags/{flag_id}": {"delete"},
        "/api/staff/flags/export": {"get"},
        "/api/staff/dashboard": {"get"},
        "/api/staff/conversations/{conversation_id}/export": {"get"},
        "/api/staff/conversations/{conversation_id}/person": {"delete"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    listing = {p["name"] for p in paths["/api/staff/conversations"]["get"]["parameters"]}
    assert {"started_from", "started_to", "channel", "need", "recommendation", "handed_over", "reviewed", "tag", "q",
            "limit", "offset"} <= listing
    assert "403" in paths["/api/staff/conversations/{conversation_id}/person"]["delete"]["responses"]


def test_times_in_other_zones_mean_the_same_moment(client: TestClient, rasa: RasaTracker) -> None:
    visit(rasa, "zone-1", T0)
    start = datetime.fromtimestamp(T0, UTC)

    for zone in (timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))):
        assert senders(client, started_from=start.astimezone(zone).isoformat()) == ["zone-1"]
        assert senders(client, started_from=(start + timedelta(seconds=1)).astimezone(zone).isoformat()) == []
