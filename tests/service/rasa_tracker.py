"""A stand-in for Rasa's SQL tracker store, without importing Rasa.

The `events` table as Rasa 3.6's SQLTrackerStore creates it, and rows as its `save()` writes
them: type_name, timestamp, intent_name and action_name copied out of the event JSON in `data`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, Sequence, String, Table, Text, create_engine, func, select
from sqlalchemy.engine import Engine

from bot.service.db.session import engine_url

metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, Sequence("events_seq", optional=True), primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
    # As bot/tracker_store.py creates it on SQLite: ids of erased rows are never handed out again.
    sqlite_autoincrement=True,
)

T0 = 1_795_000_000.0  # 2026-11-18T11:06:40Z


def create_events_table(url: str) -> None:
    engine = create_engine(engine_url(url))
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


def user(text: str, intent: str, confidence: float, timestamp: float) -> dict[str, Any]:
    return {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text},
        "input_channel": "rest",
        "message_id": "m" + str(int(timestamp)),
        "metadata": {},
    }


def bot(text: str, timestamp: float, buttons: tuple[str, ...] = ()) -> dict[str, Any]:
    button_list = [{"title": title, "payload": f'/choose{{"x": "{title}"}}'} for title in buttons]
    data = {"elements": None, "quick_replies": None, "buttons": button_list or None, "attachment": None}
    return {"event": "bot", "timestamp": timestamp, "text": text, "data": data, "metadata": {"utter_action": "x"}}


def slot(name: str, value: Any, timestamp: float) -> dict[str, Any]:
    return {"event": "slot", "timestamp": timestamp, "name": name, "value": value}


def action(name: str, timestamp: float) -> dict[str, Any]:
    return {"event": "action", "timestamp": timestamp, "name": name, "policy": None, "confidence": 1.0}


class RasaTracker:
    """Writes and counts rows the way Rasa would; one per test, emptied afterwards."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(engine_url(url))

    def save(self, sender_id: str, *new_events: dict[str, Any]) -> None:
        rows = [
            {
                "sender_id": sender_id,
                "type_name": event["event"],
                "timestamp": event.get("timestamp"),
                "intent_name": event.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": event.get("name"),
                "data": json.dumps(event),
            }
            for event in new_events
        ]
        with self.engine.begin() as connection:
            connection.execute(events.insert(), rows)

    def save_raw(self, sender_id: str, type_name: str, data: str | None, timestamp: float | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                events.insert().values(sender_id=sender_id, type_name=type_name, data=data, timestamp=timestamp)
            )

    def count(self, sender_id: str | None = None) -> int:
        query = select(func.count()).select_from(events)
        if sender_id is not None:
            query = query.where(events.c.sender_id == sender_id)
        with self.engine.connect() as connection:
            return connection.scalar(query) or 0

    def clear(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(events.delete())
        self.engine.dispose()
