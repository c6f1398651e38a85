"""Rasa's SQL tracker store in the lead service's database: one setting for both.

`endpoints.yml` names this class. It reads `TRACKER_DATABASE_URL`, else `DATABASE_URL` (the
service's), else the SQLite file `make run` uses, so by default conversations, leads and staff
notes live in one file, and one `DATABASE_URL=postgresql://...` moves them all to PostgreSQL.
Runs inside Rasa's environment (SQLAlchemy 1.4, psycopg2); imported only by Rasa.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import rasa.core.agent
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs, ensure_schema_exists
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.cli import print_error_and_exit
from sqlalchemy.engine import make_url

from bot.channels.links import DEFAULT_DATABASE_URL, engine_url

# Rasa's `events` table, but with AUTOINCREMENT: plain SQLite reuses the highest ids once their
# rows are deleted (an erased conversation), and the staff index reads events by rising id, so a
# reused id would hide the next visitor's conversation. PostgreSQL's sequence never reuses ids.
EVENTS_TABLE_SQL = """
CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
)"""
EVENTS_INDEX_SQL = "CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id)"


def tracker_database_url(environ: dict[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get("TRACKER_DATABASE_URL") or environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def ensure_sqlite_events_table(path: str) -> None:
    """Create the table with AUTOINCREMENT, or rebuild an older one (made by stock Rasa) as such."""
    if path in ("", ":memory:"):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")  # no other writer between the check and the rebuild
        found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
        if found is None:
            db.execute(EVENTS_TABLE_SQL)
        elif "AUTOINCREMENT" not in found[0].upper():
            db.execute("ALTER TABLE events RENAME TO events_without_autoincrement")
            db.execute("DROP INDEX IF EXISTS ix_events_sender_id")
            db.execute(EVENTS_TABLE_SQL)
            db.execute("INSERT INTO events SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data"
                       " FROM events_without_autoincrement")
            db.execute("DROP TABLE events_without_autoincrement")
        db.execute(EVENTS_INDEX_SQL)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.close()


# Conversations whose events stay decoded in memory between turns (least recently served go first).
MAX_CACHED_CONVERSATIONS = 500


@dataclass
class _Read:
    last_id: int  # the highest event id read for the sender
    rows: int  # the sender's rows up to it (all sessions), to notice a deletion
    session_start: float | None  # timestamp of the latest session_started, as Rasa's query uses it
    events: list[tuple[float | None, Event]]  # this session's, in id order


class SessionEventCache:
    """The current session's events per conversation, read incrementally (ServiceDatabaseTrackerStore)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._reads: OrderedDict[str, _Read] = OrderedDict()

    def read(self, session: sa.orm.Session, table: Any, sender_id: str,
             whole_session: Callable[[], list[Any]]) -> list[Event]:
        known = self._reads.pop(sender_id, None)
        fresh = self._update(session, table, sender_id, known) if known is not None else None
        if fresh is None:
            fresh = self._load(session, table, sender_id, whole_session())
        if fresh.events:
            self._reads[sender_id] = fresh
            while len(self._reads) > self.size:
                self._reads.popitem(last=False)
        return [event for _, event in fresh.events]

    @staticmethod
    def _rows_up_to(session: sa.orm.Session, table: Any, sender_id: str, last_id: int) -> int:
        return session.query(sa.func.count(table.id)).filter(table.sender_id == sender_id, table.id <= last_id).scalar()

    def _load(self, session: sa.orm.Session, table: Any, sender_id: str, rows: list[Any]) -> _Read:
        last_id = rows[-1].id if rows else 0
        read = _Read(last_id, self._rows_up_to(session, table, sender_id, last_id) if rows else 0, None, [])
        self._add(read, rows)
        return read

    def _update(self, session: sa.orm.Session, table: Any, sender_id: str, known: _Read) -> _Read | None:
        """`known` with the rows added since, or None when the stored conversation changed otherwise."""
        if self._rows_up_to(session, table, sender_id, known.last_id) != known.rows:
            return None
        new = (session.query(table).filter(table.sender_id == sender_id, table.id > known.last_id)
               .order_by(table.id).all())
        if new:
            known.rows += len(new)
            known.last_id = new[-1].id
            self._add(known, new)
        return known

    @staticmethod
    def _add(read: _Read, rows: list[Any]) -> None:
        for row in rows:
            starts_session = row.type_name == SessionStarted.type_name and row.timestamp is not None
            if starts_session and (read.session_start is None or row.timestamp > read.session_start):
                read.session_start = row.timestamp
            for event in deserialise_events([orjson.loads(row.data)]):
                read.events.append((row.timestamp, event))
        if read.session_start is not None:
            # Rasa's query: the events at or after the latest session start (by timestamp).
            read.events = [(stamp, event) for stamp, event in read.events
                           if stamp is not None and stamp >= read.session_start]


class ServiceDatabaseTrackerStore(SQLTrackerStore):
    """SQLTrackerStore on a full database URL (Rasa uses a `host` containing `://` as the URL)."""

    def __init__(self, domain: Any = None, host: str | None = None, event_broker: Any = None, **kwargs: Any) -> None:
        url = engine_url(host or tracker_database_url())
        if url.get_backend_name() == "sqlite":
            ensure_sqlite_events_table(make_url(url).database or "")
        rendered = url.render_as_string(hide_password=False)
        super().__init__(domain=domain, host=rendered, event_broker=event_broker, **kwargs)
        # Rasa's engine has no pre-ping: after a database restart the first turn would fail on a
        # dead pooled connection. Same engine otherwise (Rasa's pool settings).
        self.engine.dispose()
        self.engine = sa.create_engine(rendered, pool_pre_ping=True, **create_engine_kwargs(rendered))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._session_events = SessionEventCache(MAX_CACHED_CONVERSATIONS)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's, without reading the whole conversation back at every message.

        Stock Rasa fetches, decodes and rebuilds every event of the session on each turn, so a
        conversation got slower with every message. The events already read are kept (for the
        conversations most recently served): a turn reads only the rows added since, after a count
        shows none of the earlier ones went (an erasure) or came in late; then it reads all again."""
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            events = self._session_events.read(session, self.SQLEvent, sender_id,
                                               lambda: self._event_query(session, sender_id, False).all())
        if self.domain and events:
            return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        return None

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[sa.orm.Session]:
        """Rasa's, except that an error while saving or reading fails only this turn.

        Rasa's own answers *every* ValueError inside the scope (meant for a missing PostgreSQL
        schema) by ending the application, so one sender id that cannot be encoded stopped the
        whole server. The schema check still ends it at start-up, where that is the right answer."""
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as missing:
                print_error_and_exit(f"The PostgreSQL schema '{missing}' (POSTGRESQL_SCHEMA) does not exist in the "
                                     "tracker store's database. Create it, or unset POSTGRESQL_SCHEMA.")
            yield session
        finally:
            session.close()


class StrictTrackerStore(FailSafeTrackerStore):
    """Stock Rasa wraps every tracker store in FailSafeTrackerStore: when the database fails, it
    reads an empty conversation and saves into process memory, so the visitor silently starts
    over and what they say next is lost at the next restart. Here a failing database fails the
    turn instead: the channels then tell the visitor something went wrong (message_guard's
    FAILURE_REPLY), and the conversation continues from the database once it is back."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)


# Rasa's Agent wraps the store it is given in `rasa.core.agent.FailSafeTrackerStore` (a name looked
# up when the agent is made, after endpoints.yml imported this module).
rasa.core.agent.FailSafeTrackerStore = StrictTrackerStore
