"""Rasa's tracker store (PostgreSQL) becomes unreachable mid-conversation.

Stock Rasa would read an empty conversation and keep the new one in process memory
(FailSafeTrackerStore): the visitor silently starts over. Ours (bot/tracker_store.py) tells them
something went wrong, keeps nothing in memory, and continues from the database once it is back.

A real Rasa server on a throwaway PostgreSQL database; connections are refused by the server
(`ALLOW_CONNECTIONS false` + terminating Rasa's sessions), as when the database restarts.
Skips without PostgreSQL, except in CI (REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.support.postgres import POSTGRES_ADMIN_URL, throwaway_databases
from tests.support.servers import MODEL, RasaServer

NO_ACTION_SERVER = "http://127.0.0.1:9/webhook"  # a greeting needs no custom action


@pytest.fixture(scope="module")
def database(admin: Engine) -> Iterator[str]:
    with throwaway_databases(admin, prefix="mw_tracker") as make:
        yield make_url(make()).database


@pytest.fixture(scope="module")
def rasa(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    assert MODEL.exists(), "train the model first: make train"
    # A plain postgresql:// URL, as docs/operations.md tells operators: Rasa picks psycopg2 for it.
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql", database=database)
    server = RasaServer(tmp_path_factory.mktemp("rasa-pg"), action_url=NO_ACTION_SERVER,
                        env={"DATABASE_URL": url.render_as_string(hide_password=False)})
    server.start()
    yield server
    server.stop()


def set_connections(admin: Engine, database: str, allowed: bool) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                               {"name": database})


def user_texts(admin: Engine, database: str, sender: str) -> list[str]:
    url = admin.url.set(database=database)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT data::json->>'text' FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id"
            ), {"sender": sender})
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text") or "" for reply in replies)


def test_an_unreachable_tracker_store_is_said_and_nothing_is_kept_in_memory(rasa, admin, database) -> None:
    sender = f"pg-down-{uuid.uuid4().hex[:8]}"
    assert texts(rasa.send(sender, "hoi"))  # greeted; the conversation is in PostgreSQL
    assert user_texts(admin, database, rest_conversation_id(sender)) == ["hoi"]

    set_connections(admin, database, allowed=False)
    try:
        # Stock Rasa would greet them as a new visitor here (an empty conversation from memory).
        during = rasa.send(sender, "hallo")
        assert texts(during) == FAILURE_REPLY  # told, in Dutch
        again = rasa.send(sender, "hallo?")
        assert texts(again) == FAILURE_REPLY  # and no in-memory conversation took over meanwhile
    finally:
        set_connections(admin, database, allowed=True)

    back = rasa.send(sender, "bedankt!")  # answered without the action server, which this test has not
    assert texts(back) and texts(back) != FAILURE_REPLY
    # The same conversation, from the database: the two failed turns left nothing behind.
    assert user_texts(admin, database, rest_conversation_id(sender)) == ["hoi", "bedankt!"]
