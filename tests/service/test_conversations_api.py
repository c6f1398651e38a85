"""Erasing a conversation ("vergeet mij") and reading one back (staff), on SQLite and PostgreSQL.

Rasa's tracker store is a Rasa-like `events` table (tests/service/rasa_tracker.py): a file of
its own next to the SQLite database, the same database on PostgreSQL.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.service.api.main import create_app
from bot.service.db.models import ConversationErasure, Lead
from bot.service.db.types import utcnow
from bot.service.erasure import erase_due
from bot.service.notify.worker import Dispatcher
from bot.service.settings import Settings
from tests.service.conftest import SERVICE, STAFF, close_and_empty, free_port
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import T0, RasaTracker, action, bot, slot, user
from tests.service.test_auth_pages import open_login_form, submit

SCRIPT = "<script>alert('x')</script>"


def hand_over(client: TestClient, **overrides) -> dict:
    payload = lead_payload(**overrides)
    response = client.post("/api/leads", json=payload, headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json() | {"conversation_id": payload["conversation_id"]}


def a_conversation(rasa: RasaTracker, sender_id: str, first_words: str = "ik wil beter leren presenteren") -> None:
    rasa.save(
        sender_id,
        action("action_session_start", T0),
        action("action_listen", T0 + 0.1),
        user(first_words, "need_skill", 0.91, T0 + 1),
        slot("goal", "skill", T0 + 1.2),
        bot("Wil je dit in een groep of 1-op-1 leren?", T0 + 1.5, buttons=("In een groep", "1-op-1", "Weet ik niet")),
        user("in een groep", "inform", 0.88, T0 + 10),
        slot("setting", "group", T0 + 10.1),
        slot("recommendation", "training", T0 + 10.2),
        bot("Een training past het best bij je.", T0 + 10.5),
    )


def erasures(session: Session) -> list[ConversationErasure]:
    session.expire_all()
    return list(session.scalars(select(ConversationErasure).order_by(ConversationErasure.id)))


def due_time(response) -> datetime:
    return datetime.fromisoformat(response.json()["conversation_erasure_due_at"])


# --- DELETE /api/conversations/{id} --------------------------------------------------------------


def test_forget_me_erases_the_lead_now_and_the_conversation_after_the_delay(
    client: TestClient, session: Session, settings: Settings, rasa: RasaTracker, app
) -> None:
    lead = hand_over(client)
    anna = lead["conversation_id"]
    a_conversation(rasa, anna)
    a_conversation(rasa, "someone-else")
    stored = rasa.count(anna)

    before = utcnow()
    response = client.delete(f"/api/conversations/{anna}", headers=SERVICE)
    after = utcnow()

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["leads"], body["notifications"]) == (1, 1)
    due_at = due_time(response)
    assert before + timedelta(seconds=15) <= due_at <= after + timedelta(seconds=15)
    assert session.scalars(select(Lead).where(Lead.conversation_id == anna)).first() is None
    # Rasa may still be saving the turn that asked: nothing leaves the tracker store yet.
    assert rasa.count(anna) == stored
    assert erase_due(session, app.state.tracker, utcnow()) == 0
    assert erase_due(session, app.state.tracker, due_at - timedelta(seconds=1)) == 0
    assert rasa.count(anna) == stored
    [pending] = erasures(session)
    assert (pending.conversation_id, pending.done_at, pending.events_erased) == (anna, None, None)

    assert erase_due(session, app.state.tracker, due_at + timedelta(seconds=1)) == 1

    assert rasa.count(anna) == 0
    assert rasa.count("someone-else") == stored  # only this sender's rows
    [done] = erasures(session)
    assert done.done_at is not None and done.events_erased == stored
    assert erase_due(session, app.state.tracker, due_at + timedelta(minutes=1)) == 0  # done once


def test_asking_twice_is_fine_and_waits_for_the_later_turn(
    client: TestClient, session: Session, rasa: RasaTracker, app
) -> None:
    lead = hand_over(client)
    anna = lead["conversation_id"]
    a_conversation(rasa, anna)

    first = client.delete(f"/api/conversations/{anna}", headers=SERVICE)
    second = client.delete(f"/api/conversations/{anna}", headers=SERVICE)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["leads"], second.json()["leads"]) == (1, 0)
    assert due_time(second) >= due_time(first)
    [pending] = erasures(session)  # one pending erasure, not two
    assert pending.due_at == due_time(second)

    assert erase_due(session, app.state.tracker, due_time(second) + timedelta(seconds=1)) == 1
    assert rasa.count(anna) == 0

    # The visitor chatted on after the erasure and asks again: a new erasure for the new rows.
    a_conversation(rasa, anna)
    third = client.delete(f"/api/conversations/{anna}", headers=SERVICE)
    assert third.status_code == 200 and third.json()["leads"] == 0
    assert [erasure.done_at is None for erasure in erasures(session)] == [False, True]
    assert erase_due(session, app.state.tracker, due_time(third) + timedelta(seconds=1)) == 1
    assert rasa.count(anna) == 0


def test_unknown_conversation_is_erased_too(client: TestClient, session: Session, app) -> None:
    response = client.delete("/api/conversations/nooit-gezien", headers=SERVICE)

    assert response.status_code == 200
    assert response.json()["leads"] == 0 and response.json()["notifications"] == 0
    assert erase_due(session, app.state.tracker, due_time(response) + timedelta(seconds=1)) == 1
    [done] = erasures(session)
    assert done.events_erased == 0


def test_the_old_lead_only_erasure_still_works(client: TestClient, session: Session, rasa: RasaTracker) -> None:
    lead = hand_over(client)
    a_conversation(rasa, lead["conversation_id"])

    response = client.delete(f"/api/conversations/{lead['conversation_id']}/lead", headers=SERVICE)

    assert response.status_code == 200
    assert response.json() == {"leads": 1, "notifications": 1}
    assert erasures(session) == []  # that endpoint leaves the conversation alone


def test_the_background_dispatcher_erases_due_conversations(
    client: TestClient, session: Session, settings: Settings, rasa: RasaTracker, app
) -> None:
    a_conversation(rasa, "bg-1")
    client.delete("/api/conversations/bg-1", headers=SERVICE)
    dispatcher = Dispatcher(app.state.sessionmaker, settings, app.state.tracker)

    dispatcher.run_once()
    assert rasa.count("bg-1") > 0  # not due yet

    session.execute(update(ConversationErasure).values(due_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    dispatcher.run_once()
    assert rasa.count("bg-1") == 0


def test_the_running_app_erases_on_its_own(database_url: str, tracker_url: str, rasa: RasaTracker) -> None:
    """The real loop inside the app: a short delay, a short interval, and the rows are gone."""
    from tests.service.conftest import make_settings

    settings = make_settings(
        database_url,
        tracker_database_url=tracker_url,
        dispatcher_enabled=True,
        dispatch_interval_seconds=0.05,
        conversation_erase_delay_seconds=0.5,
    )
    a_conversation(rasa, "loop-1")
    a_conversation(rasa, "loop-2")
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            assert client.delete("/api/conversations/loop-1", headers=SERVICE).status_code == 200
            assert rasa.count("loop-1") > 0
            deadline = time.monotonic() + 10
            while rasa.count("loop-1") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert rasa.count("loop-1") == 0
            assert rasa.count("loop-2") > 0
    finally:
        close_and_empty(app)


# --- GET /api/staff/conversations/{id}/transcript ------------------------------------------------


def test_transcript_shows_the_turns_in_order_with_slots_and_lead(client: TestClient, rasa: RasaTracker) -> None:
    lead = hand_over(client)
    conversation = lead["conversation_id"]
    a_conversation(rasa, conversation)
    a_conversation(rasa, "someone-else", first_words="iets heel anders")

    response = client.get(f"/api/staff/conversations/{conversation}/transcript", headers=STAFF)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conversation_id"] == conversation
    assert body["lead"] == {"id": lead["id"], "reference": lead["reference"]}
    assert body["turns"] == [
        {
            "time": "2026-11-18T11:06:41Z",
            "speaker": "user",
            "text": "ik wil beter leren presenteren",
            "intent": "need_skill",
            "confidence": 0.91,
        },
        {
            "time": "2026-11-18T11:06:41.500000Z",
            "speaker": "bot",
            "text": "Wil je dit in een groep of 1-op-1 leren?",
            "buttons": ["In een groep", "1-op-1", "Weet ik niet"],
        },
        {
            "time": "2026-11-18T11:06:50Z",
            "speaker": "user",
            "text": "in een groep",
            "intent": "inform",
            "confidence": 0.88,
        },
        {
            "time": "2026-11-18T11:06:50.500000Z",
            "speaker": "bot",
            "text": "Een training past het best bij je.",
            "buttons": [],
        },
    ]
    assert body["slots"] == {"goal": "skill", "setting": "group", "recommendation": "training"}


def test_transcript_keeps_the_last_value_of_each_slot(client: TestClient, rasa: RasaTracker) -> None:
    rasa.save(
        "slots-1",
        user("hoi", "greet", 0.99, T0),
        slot("goal", "skill", T0 + 1),
        slot("goal", "growth", T0 + 2),
        slot("topics", ["delegeren", "feedback"], T0 + 3),
        slot("horizon", "long", T0 + 4),
        slot("horizon", None, T0 + 5),
    )

    body = client.get("/api/staff/conversations/slots-1/transcript", headers=STAFF).json()

    assert body["slots"] == {"goal": "growth", "topics": ["delegeren", "feedback"], "horizon": None}
    assert body["lead"] is None
    assert [turn["speaker"] for turn in body["turns"]] == ["user"]


def test_transcript_returns_a_script_tag_verbatim_as_json(client: TestClient, rasa: RasaTracker) -> None:
    rasa.save("xss-1", user(SCRIPT, "out_of_scope", 0.5, T0), bot(f"Je schreef: {SCRIPT}", T0 + 1, buttons=(SCRIPT,)))

    response = client.get("/api/staff/conversations/xss-1/transcript", headers=STAFF)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    user_turn, bot_turn = response.json()["turns"]
    assert user_turn["text"] == SCRIPT  # not escaped here: the screen that shows it escapes it
    assert bot_turn["text"] == f"Je schreef: {SCRIPT}"
    assert bot_turn["buttons"] == [SCRIPT]
    assert "&lt;" not in response.text


def test_unreadable_events_do_not_break_the_transcript(client: TestClient, rasa: RasaTracker) -> None:
    rasa.save_raw("odd-1", "user", "{not json", T0)
    rasa.save_raw("odd-1", "bot", None, None)
    rasa.save_raw("odd-1", "slot", '{"event": "slot", "name": "score", "value": NaN}', T0 + 2)
    rasa.save_raw("odd-1", "user", '{"event": "user", "text": 42, "parse_data": {"intent": "x"}}', 1e300)
    rasa.save_raw("odd-1", "bot", '{"event": "bot", "text": "ok", "data": {"buttons": [1, {"title": 2}, {}]}}', T0)
    rasa.save("odd-1", user("gewoon", "greet", float("nan"), T0 + 5))

    response = client.get("/api/staff/conversations/odd-1/transcript", headers=STAFF)

    assert response.status_code == 200, response.text
    turns = response.json()["turns"]
    assert [turn["speaker"] for turn in turns] == ["user", "bot", "user", "bot", "user"]
    assert turns[0] == {
        "time": "2026-11-18T11:06:40Z",
        "speaker": "user",
        "text": None,
        "intent": None,
        "confidence": None,
    }
    assert turns[1]["time"] is None and turns[1]["text"] is None and turns[1]["buttons"] == []
    assert turns[2]["time"] is None and turns[2]["text"] is None
    assert turns[3]["buttons"] == []
    assert turns[4]["intent"] == "greet" and turns[4]["confidence"] is None
    assert response.json()["slots"] == {"score": None}


def test_unknown_conversation_is_404_in_dutch(client: TestClient, rasa: RasaTracker) -> None:
    a_conversation(rasa, "bestaat-wel")
    rasa.save("alleen-acties", action("action_session_start", T0), action("action_listen", T0 + 1))

    for conversation in ("bestaat-niet", "alleen-acties"):
        response = client.get(f"/api/staff/conversations/{conversation}/transcript", headers=STAFF)
        assert response.status_code == 404
        assert response.json() == {"detail": "Dit gesprek bestaat niet (meer)."}


def test_a_lead_without_stored_events_still_shows_its_link(client: TestClient, rasa: RasaTracker) -> None:
    lead = hand_over(client)

    response = client.get(f"/api/staff/conversations/{lead['conversation_id']}/transcript", headers=STAFF)

    assert response.status_code == 200
    assert response.json()["turns"] == [] and response.json()["slots"] == {}
    assert response.json()["lead"]["reference"] == lead["reference"]


def test_an_erased_conversation_is_gone_from_the_transcript(
    client: TestClient, session: Session, rasa: RasaTracker, app
) -> None:
    lead = hand_over(client)
    conversation = lead["conversation_id"]
    a_conversation(rasa, conversation)
    path = f"/api/staff/conversations/{conversation}/transcript"

    erased = client.delete(f"/api/conversations/{conversation}", headers=SERVICE)
    still_there = client.get(path, headers=STAFF)
    erase_due(session, app.state.tracker, due_time(erased) + timedelta(seconds=1))
    gone = client.get(path, headers=STAFF)

    assert still_there.status_code == 200 and still_there.json()["lead"] is None
    assert gone.status_code == 404


def test_new_lead_links_its_own_page_which_links_its_transcript(
    client: TestClient, rasa: RasaTracker, make_account
) -> None:
    lead = hand_over(client, transcript_url=None, conversation_id="link me/1")
    a_conversation(rasa, "link me/1")
    given = hand_over(client, transcript_url="https://mentorwijzer.example/mw/staff/gesprekken/bezoeker/x")

    stored = client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()
    kept = client.get(f"/api/staff/leads/{given['id']}", headers=STAFF).json()

    # The mentor's e-mail links the lead's page by its id: nothing a conversation is known by.
    assert stored["transcript_url"] == f"http://testserver/staff/leads/{lead['id']}"
    assert kept["transcript_url"] == f"https://mentorwijzer.example/mw/staff/leads/{given['id']}"
    link = stored["transcript_url"].removeprefix("http://testserver")
    assert client.get(link, follow_redirects=False).headers["location"].startswith("/staff/login?next=")
    make_account("mentor@voorbeeld.nl")
    token = open_login_form(client)
    assert submit(client, token, email="mentor@voorbeeld.nl").status_code == 303
    page = client.get(link)
    newest = client.get("/api/staff/conversations", params={"q": "presenteren"}, headers=STAFF).json()["items"]
    assert page.status_code == 200 and f'href="/staff/gesprekken/{newest[0]["id"]}">Lees het gesprek terug' in page.text
    # Links in mentors' older e-mails still lead to the visitor's latest conversation.
    older = client.get("/staff/gesprekken/bezoeker/link%20me%2F1", follow_redirects=False)
    assert older.status_code == 303 and older.headers["location"] == f"/staff/gesprekken/{newest[0]['id']}"
    assert client.get("/staff/gesprekken/bezoeker/nobody", follow_redirects=False).status_code == 404


# --- both endpoints: tokens, garbage ids, logs -----------------------------------------------------

ERASE = ("DELETE", "/api/conversations/{id}")
TRANSCRIPT = ("GET", "/api/staff/conversations/{id}/transcript")


@pytest.mark.parametrize(
    ("endpoint", "headers"),
    [
        (ERASE, {}),
        (ERASE, {"Authorization": "Bearer wrong"}),
        (ERASE, {"Authorization": "Bearer "}),
        (ERASE, STAFF),
        (TRANSCRIPT, {}),
        (TRANSCRIPT, {"Authorization": "Bearer wrong"}),
        (TRANSCRIPT, {"Authorization": "Basic dXNlcjpwdw=="}),
        (TRANSCRIPT, SERVICE),
    ],
    ids=[
        "erase-none",
        "erase-wrong",
        "erase-empty",
        "erase-staff",
        "read-none",
        "read-wrong",
        "read-basic",
        "read-service",
    ],
)
def test_wrong_token_is_401(
    client: TestClient, session: Session, rasa: RasaTracker, endpoint: tuple[str, str], headers: dict
) -> None:
    a_conversation(rasa, "tok-1")
    method, path = endpoint

    response = client.request(method, path.format(id="tok-1"), headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Ongeldig of ontbrekend token."}
    assert erasures(session) == []


GARBAGE_IDS = {
    "nul": "a%00b",
    "newline": "a%0Ab",
    "tab": "a%09b",
    "escape": "%1B%5B31m",
    "c1-control": "a%C2%85b",
    "too-long": "x" * 256,
    "too-long-multibyte": "%C3%A9" * 256,
}


@pytest.mark.parametrize("endpoint", [ERASE, TRANSCRIPT], ids=["erase", "transcript"])
@pytest.mark.parametrize("conversation_id", GARBAGE_IDS.values(), ids=GARBAGE_IDS.keys())
def test_garbage_ids_are_422_not_500(
    client: TestClient, session: Session, endpoint: tuple[str, str], conversation_id: str
) -> None:
    method, path = endpoint
    headers = STAFF if "staff" in path else SERVICE

    response = client.request(method, path.format(id=conversation_id), headers=headers)

    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "De invoer klopt niet."
    assert erasures(session) == []


def test_odd_but_valid_ids_work(client: TestClient, rasa: RasaTracker) -> None:
    for conversation_id, in_url in (
        ("x" * 255, "x" * 255),
        ("émile 🙂", "%C3%A9mile%20%F0%9F%99%82"),
        ("'; --", "'%3B%20--"),
    ):
        rasa.save(conversation_id, user("hallo", "greet", 0.9, T0))
        transcript = client.get(f"/api/staff/conversations/{in_url}/transcript", headers=STAFF)
        assert transcript.status_code == 200, transcript.text
        assert transcript.json()["conversation_id"] == conversation_id
        assert client.delete(f"/api/conversations/{in_url}", headers=SERVICE).status_code == 200


def test_no_user_text_in_logs(
    client: TestClient, session: Session, rasa: RasaTracker, app, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.service")
    a_conversation(rasa, "log-1", first_words="mijn geheime zorg")
    client.get("/api/staff/conversations/log-1/transcript", headers=STAFF)
    erased = client.delete("/api/conversations/log-1", headers=SERVICE)
    erase_due(session, app.state.tracker, due_time(erased) + timedelta(seconds=1))

    assert "log-1" in caplog.text  # conversation ids are logged
    assert "geheime zorg" not in caplog.text


# --- a tracker store that is not there (yet) -------------------------------------------------------


@pytest.fixture
def missing_tracker_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"tracker_database_url": f"sqlite:///{tmp_path / 'var' / 'tracker.db'}"})


def test_missing_tracker_file_reads_and_erases_nothing(missing_tracker_settings: Settings, tmp_path: Path) -> None:
    app = create_app(missing_tracker_settings)
    try:
        with TestClient(app) as client, app.state.sessionmaker() as session:
            assert client.get("/api/staff/conversations/c1/transcript", headers=STAFF).status_code == 404
            erased = client.delete("/api/conversations/c1", headers=SERVICE)
            assert erased.status_code == 200
            assert erase_due(session, app.state.tracker, due_time(erased) + timedelta(seconds=1)) == 1
            assert erasures(session)[0].events_erased == 0
    finally:
        close_and_empty(app)
    assert not (tmp_path / "var").exists()  # no empty database left where Rasa expects its own


def test_tracker_database_without_events_table_reads_and_erases_nothing(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Rasa has not started yet: the database is there, its table is not."""
    if settings.database_url.startswith("sqlite"):
        sqlite3.connect(tmp_path / "empty.db").close()
        empty = f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        empty = request.getfixturevalue("make_postgres_database")()
    app = create_app(settings.model_copy(update={"tracker_database_url": empty}))
    try:
        with TestClient(app) as client, app.state.sessionmaker() as session:
            assert client.get("/api/staff/conversations/c2/transcript", headers=STAFF).status_code == 404
            erased = client.delete("/api/conversations/c2", headers=SERVICE)
            assert erase_due(session, app.state.tracker, due_time(erased) + timedelta(seconds=1)) == 1
            assert erasures(session)[0].events_erased == 0
    finally:
        close_and_empty(app)


def test_unreachable_tracker_store_is_503_and_the_erasure_waits(settings: Settings) -> None:
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/tracker"  # nothing listens there
    app = create_app(settings.model_copy(update={"tracker_database_url": down}))
    try:
        with TestClient(app) as client, app.state.sessionmaker() as session:
            transcript = client.get("/api/staff/conversations/c3/transcript", headers=STAFF)
            assert transcript.status_code == 503 and transcript.headers["retry-after"] == "30"
            erased = client.delete("/api/conversations/c3", headers=SERVICE)
            assert erased.status_code == 200  # the lead part does not need the tracker store
            assert erase_due(session, app.state.tracker, due_time(erased) + timedelta(seconds=1)) == 0
            [pending] = erasures(session)
            assert pending.done_at is None  # tried again next round
    finally:
        close_and_empty(app)
