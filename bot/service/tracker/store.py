"""Read one conversation's events from Rasa's tracker store, or delete them.

The tracker database may not exist yet (Rasa creates it on its first conversation):
then there is nothing to read and nothing to erase, which is not an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, create_engine, delete, event, func, inspect, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.service.conversations.digest import RawEvent
from bot.service.db import scrub
from bot.service.db.session import engine_url
from bot.service.tracker.events import EVENTS_TABLE, TrackerEvent

# The events a transcript is made of; Rasa also stores actions, forms, sessions, ...
TRANSCRIPT_TYPES = ("user", "bot", "slot")


class TrackerStore:
    """One engine on TRACKER_DATABASE_URL (it connects on first use), disposed with the app."""

    def __init__(self, database_url: str) -> None:
        self.url = engine_url(database_url)
        self.engine = _make_engine(self.url)

    def dispose(self) -> None:
        self.engine.dispose()

    def transcript_events(self, sender_id: str) -> Sequence[TrackerEvent]:
        """The user, bot and slot events of one conversation, in the order Rasa stored them."""
        if self._missing_file():
            return []
        with Session(self.engine) as session:
            if not inspect(session.connection()).has_table(EVENTS_TABLE):
                return []
            query = (
                select(TrackerEvent)
                .where(TrackerEvent.sender_id == sender_id, TrackerEvent.type_name.in_(TRANSCRIPT_TYPES))
                .order_by(TrackerEvent.id)
            )
            return session.scalars(query).all()

    def max_event_id(self) -> int:
        """The newest event's id, 0 when there is none (yet)."""
        if self._missing_file():
            return 0
        with Session(self.engine) as session:
            if not inspect(session.connection()).has_table(EVENTS_TABLE):
                return 0
            return session.scalar(select(func.max(TrackerEvent.id))) or 0

    def events_after(self, after_id: int, limit: int) -> list[RawEvent]:
        """Every sender's events with an id above `after_id`, oldest first (the indexer's feed)."""
        return self._raw(select(*_RAW_COLUMNS).where(TrackerEvent.id > after_id).order_by(TrackerEvent.id).limit(limit))

    def conversation_events(self, sender_id: str, first_id: int, before_id: int | None) -> list[RawEvent]:
        """One conversation (session) of a sender: its events from `first_id` up to `before_id`."""
        query = select(*_RAW_COLUMNS).where(TrackerEvent.sender_id == sender_id, TrackerEvent.id >= first_id)
        if before_id is not None:
            query = query.where(TrackerEvent.id < before_id)
        return self._raw(query.order_by(TrackerEvent.id))

    def _raw(self, query) -> list[RawEvent]:
        if self._missing_file():
            return []
        with Session(self.engine) as session:
            if not inspect(session.connection()).has_table(EVENTS_TABLE):
                return []
            return [RawEvent(*row) for row in session.execute(query)]

    def erase(self, sender_id: str, asked_at: datetime | None = None) -> int:
        """Delete this conversation's events; returns how many rows went.

        With `asked_at` (when the visitor said "vergeet mij"), only what was said up to then and the
        rest of that turn: a conversation that went on afterwards (a new hand-off) keeps its events.
        """
        if self._missing_file():
            return 0
        with Session(self.engine) as session:
            if not inspect(session.connection()).has_table(EVENTS_TABLE):
                return 0
            erase = delete(TrackerEvent).where(TrackerEvent.sender_id == sender_id)
            if asked_at is not None:
                kept_from = self._continued_from(session, sender_id, asked_at.timestamp())
                if kept_from is not None:
                    erase = erase.where(or_(TrackerEvent.id < kept_from, TrackerEvent.timestamp <= asked_at.timestamp(),
                                            TrackerEvent.timestamp.is_(None)))
            erased = session.execute(erase).rowcount
            session.commit()
        scrub.checkpoint(self.engine)
        return erased

    @staticmethod
    def _continued_from(session: Session, sender_id: str, moment: float) -> int | None:
        """The first event of the conversation the visitor held after asking at `moment`, or None when
        they said nothing since. It begins with the session Rasa starts after the restart that ends
        the "vergeet mij" turn (Rasa counts a session's events from its start: none of those may go),
        or with their next message."""
        later = (TrackerEvent.sender_id == sender_id, TrackerEvent.timestamp > moment)
        next_message = session.scalar(select(func.min(TrackerEvent.id)).where(*later, TrackerEvent.type_name == "user"))
        if next_message is None:
            return None
        session_start = session.scalar(
            select(func.min(TrackerEvent.id)).where(*later, TrackerEvent.id < next_message, _SESSION_START))
        return session_start or next_message

    def _missing_file(self) -> bool:
        """A SQLite file that is not there: connecting would create an empty one in Rasa's place."""
        url = make_url(self.url)
        if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
            return False
        if url.query.get("uri") == "true" or url.database.startswith("file:"):
            return False  # SQLite URI filenames: let SQLite decide
        return not Path(url.database).exists()


# A session start as Rasa writes it: its action event and `session_started`.
_SESSION_START = or_(
    TrackerEvent.type_name == "session_started",
    and_(TrackerEvent.type_name == "action", TrackerEvent.action_name == "action_session_start"),
)

_RAW_COLUMNS = (
    TrackerEvent.id, TrackerEvent.sender_id, TrackerEvent.type_name, TrackerEvent.timestamp,
    TrackerEvent.intent_name, TrackerEvent.action_name, TrackerEvent.data,
)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        # Wait for Rasa's writes instead of failing; leave its journal mode alone (the file is Rasa's).
        event.listen(engine, "connect", _sqlite_busy_timeout)
        return engine
    connect_args = {"connect_timeout": 5} if "psycopg" in url else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    scrub.secure_delete(dbapi_connection)  # an erased conversation leaves no bytes behind
