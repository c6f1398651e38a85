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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rasa.core.agent
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs, ensure_schema_exists
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
