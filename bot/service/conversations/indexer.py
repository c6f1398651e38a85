"""Keep `conversations` up to date with Rasa's tracker store.

Rasa only appends to its `events` table, so the indexer reads the events after the last id it
saw, folds them into one row per conversation (`digest.py`) and moves its cursor. Staff pages
call `catch_up` before they read, and the app runs it in the background, so the list is current
without scanning every event on every request.

Two service instances never index at once: each pass first updates the one state row, which
takes PostgreSQL's row lock (SQLite: the write lock) until the pass commits. On PostgreSQL an
event may commit after one with a higher id; a short look-back re-reads recent ids, and events a
conversation already holds (id <= its last_event_id) are skipped, so nothing is counted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.service.conversations.digest import Digest, RawEvent
from bot.service.db.conversation_models import Conversation, ConversationIndexState
from bot.service.db.models import ConversationErasure
from bot.service.db.types import utcnow
from bot.service.tracker.store import TrackerStore

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
LOOKBACK = 200  # ids re-read on PostgreSQL, for transactions that committed out of order
STATE_ID = 1
SENDER_CHUNK = 500


def catch_up(sessions: Callable[[], Session], tracker: TrackerStore, max_batches: int | None = None) -> int:
    """Index every new event (or `max_batches` batches of them); returns how many were applied."""
    applied = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        if tracker.max_event_id() <= _cursor(sessions):
            return applied  # the common case: one cheap query each side
        with sessions() as session:
            done, more = _index_batch(session, tracker)
        applied += done
        batches += 1
        if not more:
            break
    return applied


def _cursor(sessions: Callable[[], Session]) -> int:
    with sessions() as session:
        state = select(ConversationIndexState.last_event_id).where(ConversationIndexState.id == STATE_ID)
        return session.scalar(state) or 0


def lock(session: Session) -> ConversationIndexState:
    """Take the indexer's lock for this transaction (erasing takes it too, so a pass in flight
    cannot bring back a conversation that is being erased)."""
    locked = session.execute(
        update(ConversationIndexState).where(ConversationIndexState.id == STATE_ID).values(updated_at=utcnow())
    ).rowcount
    if not locked:
        try:
            with session.begin_nested():
                session.add(ConversationIndexState(id=STATE_ID, last_event_id=0))
        except IntegrityError:  # another instance made it first
            session.execute(
                update(ConversationIndexState).where(ConversationIndexState.id == STATE_ID).values(updated_at=utcnow())
            )
    return session.get(ConversationIndexState, STATE_ID, populate_existing=True)


def _index_batch(session: Session, tracker: TrackerStore) -> tuple[int, bool]:
    state = lock(session)
    lookback = LOOKBACK if session.get_bind().dialect.name == "postgresql" else 0
    events = tracker.events_after(max(0, state.last_event_id - lookback), BATCH_SIZE)
    latest = _latest_rows(session, {event.sender_id for event in events})
    erased = _erased_senders(session, {e.sender_id for e in events if e.id <= state.last_event_id} - latest.keys())
    digests: dict[Conversation, Digest] = {}  # by row object: new rows have no id until the commit
    applied = 0
    for event in events:
        row = latest.get(event.sender_id)
        if row is not None and event.id <= row.last_event_id:
            continue  # seen in an earlier pass (the look-back)
        if row is None and event.sender_id in erased:
            continue  # erased after an earlier pass indexed it; its events are on their way out
        _fold(session, latest, digests, event)
        applied += 1
    _write(digests)
    if events:
        state.last_event_id = max(state.last_event_id, events[-1].id)
    session.commit()
    if applied:
        log.info("indexed %s tracker event(s) into %s conversation(s)", applied, len(digests))
    return applied, len(events) == BATCH_SIZE


def rebuild_sender(session: Session, tracker: TrackerStore, sender_id: str) -> int:
    """Index one sender again from the events left after a partial erasure ("vergeet mij" followed by
    more conversation, e.g. a new hand-off): those stay on the staff list, the erased part does not.
    Part of the caller's transaction; returns how many rows the sender has now."""
    state = lock(session)
    session.execute(delete(Conversation).where(Conversation.sender_id == sender_id))
    # Up to the cursor only: later events are the next pass's, which adds them to these rows.
    events = tracker.conversation_events(sender_id, 0, state.last_event_id + 1)
    latest: dict[str, Conversation] = {}
    digests: dict[Conversation, Digest] = {}
    for event in events:
        _fold(session, latest, digests, event)
    _write(digests)
    return len(digests)


def _fold(session: Session, latest: dict[str, Conversation], digests: dict[Conversation, Digest],
          event: RawEvent) -> None:
    """Add one event to its sender's newest conversation, or start the next one."""
    row = latest.get(event.sender_id)
    digest = digests.get(row) if row is not None else None
    if row is None or (digest or _digest_of(row)).starts_new_conversation(event):
        row = Conversation(sender_id=event.sender_id, **_columns(Digest.start(event)))
        session.add(row)
        latest[event.sender_id] = row
        digest = None
    if digest is None:
        digest = digests[row] = _digest_of(row)
    digest.apply(event)
    row.last_event_id = event.id  # at once: the look-back check in _index_batch reads it


def _write(digests: dict[Conversation, Digest]) -> None:
    for row, digest in digests.items():
        for name, value in _columns(digest).items():
            setattr(row, name, value)


def _latest_rows(session: Session, senders: set[str]) -> dict[str, Conversation]:
    """Each sender's newest conversation: new events belong to it (or start the next one)."""
    found: dict[str, Conversation] = {}
    ordered = sorted(senders)
    for start in range(0, len(ordered), SENDER_CHUNK):
        chunk = ordered[start : start + SENDER_CHUNK]
        rows = session.scalars(
            select(Conversation).where(Conversation.sender_id.in_(chunk)).order_by(Conversation.first_event_id)
        )
        for row in rows:
            found[row.sender_id] = row  # ascending: the last one wins
    return found


def _erased_senders(session: Session, senders: set[str]) -> set[str]:
    if not senders:
        return set()
    return set(session.scalars(
        select(ConversationErasure.conversation_id).where(ConversationErasure.conversation_id.in_(sorted(senders)))
    ))


def _digest_of(row: Conversation) -> Digest:
    return Digest(**{name: getattr(row, name) for name in Digest.columns()})


def _columns(digest: Digest) -> dict[str, object]:
    values = {name: getattr(digest, name) for name in Digest.columns()}
    values.pop("sender_id")
    return values
