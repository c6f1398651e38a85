"""Hand-offs and "vergeet mij" that cross each other (SQLite and PostgreSQL): an erase applies only to
what was given before the visitor asked; a hand-off after it is a new lead with its own reference and
transcript; consent is recorded per channel; ids are never handed out twice; on SQLite erased text is
gone from the database file and its -wal file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.service.api.main import create_app
from bot.service.db import migrate
from bot.service.db.models import Lead, Notification
from bot.service.db.session import engine_url
from bot.service.db.types import utcnow
from bot.service.erasure import erase_due
from bot.service.notify.summary import body
from tests.service.conftest import SERVICE, STAFF, close_and_empty, make_settings
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import T0, RasaTracker, action, bot, create_events_table, slot, user
from tests.service.test_auth_pages import open_login_form, submit


def at(seconds: float) -> datetime:
    """A moment in the test conversation, which starts at T0."""
    return datetime.fromtimestamp(T0 + seconds, UTC)


def hand_over(client: TestClient, conversation: str, consent_at: datetime, **overrides) -> dict:
    payload = lead_payload(conversation_id=conversation, consent_at=consent_at.isoformat(), **overrides)
    response = client.post("/api/leads", json=payload, headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json() | {"payload": payload}


def forget(client: TestClient, conversation: str, asked_at: datetime) -> dict:
    response = client.delete(f"/api/conversations/{conversation}", params={"asked_at": asked_at.isoformat()},
                             headers=SERVICE)
    assert response.status_code == 200, response.text
    return response.json()


def leads_of(session: Session, conversation: str) -> list[Lead]:
    session.expire_all()
    return list(session.scalars(select(Lead).where(Lead.conversation_id == conversation).order_by(Lead.id)))


# --- the two orders -----------------------------------------------------------------------------


def test_a_hand_off_after_vergeet_mij_is_a_new_lead_even_before_the_erase_arrives(
    client: TestClient, session: Session
) -> None:
    first = hand_over(client, "c-order-1", at(10), email="oud@voorbeeld.nl")
    # "Vergeet mij" at 20 s waits in the action server's outbox; the visitor hands over again at 30 s.
    second = hand_over(client, "c-order-1", at(30), email="nieuw@voorbeeld.nl")

    assert second["id"] != first["id"] and second["reference"] != first["reference"]
    again = client.post("/api/leads", json=second["payload"], headers=SERVICE)  # the same hand-off, retried
    assert again.status_code == 200 and again.json()["reference"] == second["reference"]

    erased = forget(client, "c-order-1", asked_at=at(20))  # the queued erase arrives at last

    assert (erased["leads"], erased["notifications"]) == (1, 1)
    [kept] = leads_of(session, "c-order-1")
    assert (kept.reference, kept.email) == (second["reference"], "nieuw@voorbeeld.nl")
    assert len(kept.notifications) == 1  # the mentor is still told about it
    transcript = client.get("/api/staff/conversations/c-order-1/transcript", headers=STAFF).json()
    assert transcript["lead"]["reference"] == second["reference"]


def test_a_hand_off_made_before_the_erase_but_arriving_after_it_is_not_stored(
    client: TestClient, session: Session
) -> None:
    forget(client, "c-order-2", asked_at=at(20))

    late = client.post("/api/leads", json=lead_payload(conversation_id="c-order-2", consent_at=at(10).isoformat()),
                       headers=SERVICE)

    assert late.status_code == 410
    assert late.json() == {"detail": "De bezoeker heeft na deze aanvraag gevraagd alles te wissen: "
                                     "de aanvraag is niet bewaard."}
    assert leads_of(session, "c-order-2") == []
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    later = hand_over(client, "c-order-2", at(30))  # after the erase: the visitor's to keep
    assert [lead.reference for lead in leads_of(session, "c-order-2")] == [later["reference"]]


def test_an_erase_without_its_moment_takes_every_lead_as_before(client: TestClient, session: Session) -> None:
    hand_over(client, "c-order-3", at(10))
    response = client.delete("/api/conversations/c-order-3", headers=SERVICE)
    assert response.json()["leads"] == 1 and leads_of(session, "c-order-3") == []


def test_an_erase_asked_in_the_future_is_refused(client: TestClient) -> None:
    response = client.delete("/api/conversations/c-x", params={"asked_at": "2999-01-01T00:00:00Z"}, headers=SERVICE)
    assert response.status_code == 422 and response.json()["detail"] == "De invoer klopt niet."


def forget_turn(rasa: RasaTracker, conversation: str) -> None:
    """A conversation up to "vergeet mij", asked by the action at 20 s, as Rasa stores it."""
    rasa.save(
        conversation,
        action("action_session_start", T0), {"event": "session_started", "timestamp": T0 + 0.01},
        user("ik wil een mentor, mail oud@voorbeeld.nl", "request_human", 0.9, T0 + 1),
        slot("lead_email", "oud@voorbeeld.nl", T0 + 1.1),
        user("vergeet mij", "forget_me", 0.9, T0 + 18),
        user("ja", "affirm", 0.9, T0 + 19),
        # The rest of that turn is written after the action asked: its reply, the restart, and the
        # session Rasa starts after a restart (the one a later conversation goes on in).
        action("action_forget_me", T0 + 20.5), bot("Gedaan: je aanvraag en dit gesprek worden gewist.", T0 + 20.6),
        {"event": "restart", "timestamp": T0 + 20.7},
        action("action_session_start", T0 + 20.8), {"event": "session_started", "timestamp": T0 + 20.81},
        action("action_listen", T0 + 20.82),
    )


def erase_now(client: TestClient, session: Session, app, conversation: str, asked_at: datetime) -> dict:
    erased = forget(client, conversation, asked_at)
    due = datetime.fromisoformat(erased["conversation_erasure_due_at"])
    assert erase_due(session, app.state.tracker, due + timedelta(seconds=1)) == 1
    return erased


def test_a_conversation_that_ended_with_vergeet_mij_goes_entirely(
    client: TestClient, session: Session, rasa: RasaTracker, app
) -> None:
    forget_turn(rasa, "c-ended")
    erase_now(client, session, app, "c-ended", at(20))
    assert rasa.count("c-ended") == 0
    assert client.get("/api/staff/conversations/c-ended/transcript", headers=STAFF).status_code == 404


def test_the_erase_takes_the_conversation_up_to_that_turn_and_leaves_what_came_after(
    client: TestClient, session: Session, rasa: RasaTracker, app
) -> None:
    lead = hand_over(client, "c-events", at(5), email="oud@voorbeeld.nl")
    forget_turn(rasa, "c-events")
    rasa.save(
        "c-events",
        user("praat met een mentor, mail nieuw@voorbeeld.nl", "request_human", 0.9, T0 + 40.2),
        slot("lead_email", "nieuw@voorbeeld.nl", T0 + 40.3),
    )
    newer = hand_over(client, "c-events", at(45), email="nieuw@voorbeeld.nl")
    assert client.get("/api/staff/conversations", params={"q": "oud@voorbeeld"}, headers=STAFF).json()["total"] == 1

    assert erase_now(client, session, app, "c-events", at(20))["leads"] == 1

    transcript = client.get("/api/staff/conversations/c-events/transcript", headers=STAFF).json()
    said = " ".join(turn["text"] or "" for turn in transcript["turns"])
    assert "nieuw@voorbeeld.nl" in said and "oud@voorbeeld.nl" not in said and "Gedaan" not in said
    assert transcript["lead"]["reference"] == newer["reference"] != lead["reference"]
    # From the session Rasa started after the restart: it counts from there, so saves nothing twice.
    assert rasa.count("c-events") == 5
    # On the staff list again, with only what is left.
    listed = client.get("/api/staff/conversations", params={"q": "nieuw@voorbeeld"}, headers=STAFF).json()
    assert listed["total"] == 1 and listed["items"][0]["lead"]["reference"] == newer["reference"]
    assert client.get("/api/staff/conversations", params={"q": "oud@voorbeeld"}, headers=STAFF).json()["total"] == 0


# --- consent per channel, the mentor's e-mail, ids ------------------------------------------------


def test_consent_is_stored_per_channel_and_shown_to_the_mentor(
    client: TestClient, session: Session, make_account
) -> None:
    lead = hand_over(client, "c-consent", at(10), email=None, phone="06 12345678")

    stored = client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()

    assert (stored["consent_email"], stored["consent_phone"]) == (False, True)
    mail = body(session.get(Lead, lead["id"]))
    assert "om deze gegevens te bewaren, en om telefonisch contact op te nemen." in mail
    assert "c-consent" not in mail and f"/staff/leads/{lead['id']}" in mail
    make_account("mentor@voorbeeld.nl")
    assert submit(client, open_login_form(client), email="mentor@voorbeeld.nl").status_code == 303
    page = client.get(f"/staff/leads/{lead['id']}").text
    assert "<dt>Toestemming voor contact</dt><dd>telefonisch</dd>" in page


def test_a_lead_without_consent_per_channel_reads_as_not_recorded(client: TestClient, session: Session) -> None:
    """What an older action server (or its outbox) sends, and what leads from before the migration hold."""
    payload = lead_payload()
    del payload["consent_email"], payload["consent_phone"]
    created = client.post("/api/leads", json=payload, headers=SERVICE)

    assert created.status_code == 201
    stored = client.get(f"/api/staff/leads/{created.json()['id']}", headers=STAFF).json()
    assert (stored["consent_email"], stored["consent_phone"]) == (None, None)
    assert "om contact op te nemen (niet per kanaal vastgelegd)" in body(session.get(Lead, created.json()["id"]))


def test_an_erased_leads_id_is_never_given_to_the_next_lead(client: TestClient) -> None:
    first = hand_over(client, "c-ids-1", at(10))
    forget(client, "c-ids-1", at(20))
    erased_again = client.get(f"/api/staff/leads/{first['id']}", headers=STAFF)

    following = hand_over(client, "c-ids-2", at(30))

    assert erased_again.status_code == 404
    assert following["id"] > first["id"]  # "lead:<id>" in the audit log keeps meaning the erased one
    assert client.get(f"/api/staff/leads/{first['id']}", headers=STAFF).status_code == 404


# --- the migration: old leads, old ids --------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite" else \
        request.getfixturevalue("make_postgres_database")()
    migrate.upgrade(url, "0005")
    return url


def test_leads_from_before_the_migration_keep_reading_and_their_ids_stay_theirs(at_0005: str) -> None:
    engine = create_engine(engine_url(at_0005))
    columns = ("reference, conversation_id, first_name, email, reasons, answers, topics, transcript_url, "
               "consent_store, consent_contact, consent_text_version, consent_at, status, mentor_response, "
               "created_at, updated_at")
    old = {"reference": "MW-AAAAA", "conversation_id": "old-1", "first_name": "Anna", "email": "anna@voorbeeld.nl",
           "reasons": "[]", "answers": "{}", "topics": "[]", "store": True, "contact": True, "version": "2026-11",
           "link": "https://mw.example/staff/gesprekken/bezoeker/old-1", "when": at(0), "status": "new",
           "pending": "pending"}
    values = (":reference, :conversation_id, :first_name, :email, :reasons, :answers, :topics, :link, :store, "
              ":contact, :version, :when, :status, :pending, :when, :when")
    with engine.begin() as db:
        db.execute(text(f"INSERT INTO leads ({columns}) VALUES ({values})"), old)
        old_id = db.execute(text("SELECT id FROM leads")).scalar_one()
        # Lead 9 was erased before; the audit log still names it.
        db.execute(text("INSERT INTO audit_log (at, actor, action, target, detail) VALUES "
                        "(:when, 'bea@voorbeeld.nl', 'lead.erase', 'lead:9', :detail)"),
                   {"when": at(1), "detail": json.dumps({"lead_ids": [9]})})
    engine.dispose()

    migrate.upgrade(at_0005)
    settings = make_settings(at_0005)
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            stored = client.get(f"/api/staff/leads/{old_id}", headers=STAFF).json()
            assert (stored["first_name"], stored["consent_email"], stored["consent_phone"]) == ("Anna", None, None)
            # No conversation id any more: the lead's own page.
            assert stored["transcript_url"] == f"https://mw.example/staff/leads/{old_id}"
            new = client.post("/api/leads", json=lead_payload(), headers=SERVICE).json()
            if at_0005.startswith("sqlite"):
                assert new["id"] == 10  # never 2..9: 9 is an erased lead the audit log names
            else:
                assert new["id"] > old_id  # PostgreSQL's sequence never hands an id out twice
    finally:
        close_and_empty(app)


def test_sqlite_tables_the_audit_log_names_never_reuse_ids(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "ids.db") as db:
        for table in ("leads", "staff_accounts", "conversations"):
            sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            assert "AUTOINCREMENT" in sql, table


# --- SQLite: erased text leaves the files --------------------------------------------------------------


def file_bytes(database: Path) -> bytes:
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_erased_leads_and_messages_are_gone_from_the_sqlite_file_and_its_wal(tmp_path: Path) -> None:
    """One file for leads and Rasa's events, in WAL mode, as `make run` has it."""
    database = tmp_path / "mentorwijzer.db"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    create_events_table(url)
    app = create_app(make_settings(url, tracker_database_url=url))
    rasa = RasaTracker(url)
    email, words = b"geheim-adres-7q@voorbeeld.nl", b"mijn geheime zorg 7q"
    try:
        with TestClient(app) as client, app.state.sessionmaker() as session:
            now = utcnow().timestamp()
            hand_over(client, "c-bytes", utcnow() - timedelta(seconds=30), email=email.decode())
            rasa.save("c-bytes", user(words.decode(), "need_skill", 0.9, now - 20),
                      bot(f"Even controleren: {email.decode()}", now - 19))
            client.get("/api/staff/conversations", headers=STAFF)  # indexed: the words are in our rows too
            assert email in file_bytes(database) and words in file_bytes(database)  # so this test can fail

            erased = forget(client, "c-bytes", utcnow())
            erase_due(session, app.state.tracker,
                      datetime.fromisoformat(erased["conversation_erasure_due_at"]) + timedelta(seconds=1))

            assert rasa.count("c-bytes") == 0
            left = file_bytes(database)
            assert email not in left and words not in left
            assert email.lower() not in left.lower()
    finally:
        rasa.engine.dispose()
        close_and_empty(app)


# --- at the same moment ---------------------------------------------------------------------------


@pytest.mark.postgresql
def test_an_erasure_and_an_older_hand_off_at_the_same_moment_do_not_miss_each_other(
    postgresql_url: str, tracker_url: str
) -> None:
    """Two service instances: "vergeet mij" is being committed while a hand-off made before it arrives.
    Without the per-conversation lock the hand-off read "no erasure yet" and its lead survived."""
    import threading

    from bot.service.db.locks import lock_conversation
    from bot.service.db.models import ConversationErasure
    from bot.service.leads import ErasedBeforeArrival, create_lead
    from bot.service.schemas import LeadCreate

    settings = make_settings(postgresql_url, tracker_database_url=tracker_url)
    engine = create_engine(engine_url(postgresql_url))
    conversation = "c-same-moment"
    data = LeadCreate.model_validate(lead_payload(conversation_id=conversation, consent_at=at(10).isoformat()))
    outcome: list[object] = []
    try:
        with Session(engine) as erasing:
            lock_conversation(erasing, conversation)  # the erasure's transaction, half done
            erasing.add(ConversationErasure(conversation_id=conversation, requested_at=at(20),
                                            due_at=at(20) + timedelta(seconds=15)))
            erasing.flush()

            def hand_off() -> None:
                with Session(engine) as handing:
                    try:
                        outcome.append(create_lead(handing, data, settings))
                    except ErasedBeforeArrival as refused:
                        outcome.append(refused)

            thread = threading.Thread(target=hand_off)
            thread.start()
            with engine.connect() as watcher:  # observable: the hand-off is waiting for the lock
                deadline = datetime.now(UTC) + timedelta(seconds=30)
                while not watcher.scalar(text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")):
                    assert datetime.now(UTC) < deadline, "the hand-off never waited for the erasure"
                    watcher.rollback()
            erasing.commit()
            thread.join(30)
        assert len(outcome) == 1 and isinstance(outcome[0], ErasedBeforeArrival), outcome
        with Session(engine) as check:
            assert leads_of(check, conversation) == []
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM conversation_erasures WHERE conversation_id = :c"),
                               {"c": conversation})
        engine.dispose()
