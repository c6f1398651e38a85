"""Read what Rasa's SQL tracker store wrote (its `events` table), straight from the database.

The e2e tests assert on this, not on Rasa's HTTP API: it is what survives a restart and what the
staff screens read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text


@dataclass(frozen=True)
class StoredEvent:
    type_name: str  # "user", "bot", "action", "slot", ...
    data: dict[str, Any]

    @property
    def text(self) -> str | None:
        return self.data.get("text")


def database_url(database: str | Path) -> str:
    """A SQLAlchemy URL for a tracker store given as a URL or as the path of a SQLite file."""
    return str(database) if "://" in str(database) else f"sqlite:///{database}"


def stored_events(database: str | Path, senders: Iterable[str]) -> dict[str, list[StoredEvent]]:
    """Every stored event of these conversations, in the order Rasa wrote them (all sessions)."""
    senders = list(senders)
    query = text("SELECT sender_id, type_name, data FROM events WHERE sender_id IN :senders ORDER BY id")
    query = query.bindparams(bindparam("senders", expanding=True))
    engine = create_engine(database_url(database))
    try:
        with engine.connect() as connection:
            rows = connection.execute(query, {"senders": senders}).all()
    finally:
        engine.dispose()
    events: dict[str, list[StoredEvent]] = {sender: [] for sender in senders}
    for sender, type_name, data in rows:
        events[sender].append(StoredEvent(type_name, json.loads(data)))
    return events


def turns(events: list[StoredEvent]) -> list[tuple[str, list[str]]]:
    """(user text, the bot's texts after it up to the next user message), one per stored user message."""
    result: list[tuple[str, list[str]]] = []
    for event in events:
        if event.type_name == "user":
            result.append((event.text or "", []))
        elif event.type_name == "bot" and result:
            result[-1][1].append(event.text or "")
    return result


def assert_one_whole_turn_per_message(events: list[StoredEvent], sent: list[str]) -> None:
    """Each message stored once, in the order sent, and answered and finished (Rasa listening
    again) before the next one began: what two turns of one conversation running at once, or a
    lost or doubled save, would break."""
    per_turn: list[list[StoredEvent]] = []
    for event in events:
        if event.type_name == "user":
            per_turn.append([event])
        elif per_turn:
            per_turn[-1].append(event)
    assert [turn[0].text for turn in per_turn] == sent
    for turn in per_turn:
        listens = [event for event in turn if event.type_name == "action" and event.data.get("name") == "action_listen"]
        assert any(event.type_name == "bot" for event in turn), turn
        assert len(listens) == 1 and listens[0] is turn[-1], turn
