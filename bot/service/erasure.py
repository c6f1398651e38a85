"""Erase one conversation ("vergeet mij"): the lead at once, the conversation a little later.

Rasa's SQL tracker store saves only the events after the number of rows it already holds
for a sender. The action that asks for the erasure runs inside a Rasa turn: deleting the
rows now would make Rasa save the whole conversation again when that turn ends. So the
request is recorded, and `erase_due` (run by the background dispatcher) deletes the rows
once `conversation_erase_delay_seconds` have passed.

An erasure covers what was given up to the moment the visitor asked (`asked_at`, sent by the
action server; it may arrive much later from its outbox): leads handed over before it, and the
conversation up to the end of that turn. A hand-off after it is a new lead and keeps its
transcript, whichever of the two reaches the service first (bot/service/leads.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.service import persons
from bot.service.conversations import indexer
from bot.service.db import scrub
from bot.service.db.locks import lock_conversation
from bot.service.db.models import ConversationErasure
from bot.service.db.types import utcnow
from bot.service.settings import Settings
from bot.service.tracker.store import TrackerStore

log = logging.getLogger(__name__)

BATCH_SIZE = 50


@dataclass
class ErasureRequested:
    leads: int
    notifications: int
    due_at: datetime


def request_erasure(
    session: Session, conversation_id: str, settings: Settings, now: datetime | None = None,
    asked_at: datetime | None = None,
) -> ErasureRequested:
    """Erase the conversation's leads now and schedule its events; asking again only postpones.

    `asked_at`: when the visitor asked (default: now); only what was given before it is erased."""
    now = now or utcnow()
    due_at = now + timedelta(seconds=settings.conversation_erase_delay_seconds)
    lock_conversation(session, conversation_id)  # a hand-off of it waits, or has committed
    pending = session.scalars(
        select(ConversationErasure)
        .where(ConversationErasure.conversation_id == conversation_id, ConversationErasure.done_at.is_(None))
        .order_by(ConversationErasure.id)
        .limit(1)
    ).first()
    if pending is None:
        pending = ConversationErasure(conversation_id=conversation_id, requested_at=asked_at or now, due_at=due_at)
        session.add(pending)
    else:
        # A request from a later turn: wait until that turn has been saved too, and erase up to it.
        pending.due_at = max(pending.due_at, due_at)
        pending.requested_at = max(pending.requested_at, asked_at or now)
    # Commits the pending erasure together with the deleted leads: one transaction.
    erased = persons.erase_conversation(session, conversation_id, asked_at)
    log.info("conversation %s: erasure requested, events erased at %s", conversation_id, pending.due_at.isoformat())
    return ErasureRequested(erased.leads, erased.notifications, pending.due_at)


def erase_due(session: Session, tracker: TrackerStore, now: datetime | None = None) -> int:
    """Delete the tracker events of every erasure whose time has come; returns how many were done."""
    now = now or utcnow()
    due_ids = session.scalars(
        select(ConversationErasure.id)
        .where(ConversationErasure.done_at.is_(None), ConversationErasure.due_at <= now)
        .order_by(ConversationErasure.due_at, ConversationErasure.id)
        .limit(BATCH_SIZE)
    ).all()
    session.rollback()  # end the read; each erasure gets its own transaction below
    done = 0
    for erasure_id in due_ids:
        outcome = _erase_one(session, tracker, erasure_id, now)
        if outcome is False:
            break  # the tracker store is unreachable: the rest would fail too, try next round
        done += outcome is True
    return done


def _erase_one(session: Session, tracker: TrackerStore, erasure_id: int, now: datetime) -> bool | None:
    """True erased, False tracker store failed, None when another worker has it or it is done."""
    # Row lock (PostgreSQL) so two service instances never erase the same conversation twice.
    erasure = session.scalars(
        select(ConversationErasure)
        .where(ConversationErasure.id == erasure_id, ConversationErasure.done_at.is_(None))
        .with_for_update(skip_locked=True)
    ).one_or_none()
    if erasure is None:
        session.rollback()
        return None
    conversation_id = erasure.conversation_id
    try:
        events = tracker.erase(conversation_id, erasure.requested_at)
        # The staff list again from what is left: a late turn's rows go, a later conversation stays.
        indexer.rebuild_sender(session, tracker, conversation_id)
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("conversation %s: erasing its events failed, will retry: %s", conversation_id, type(exc).__name__)
        return False
    erasure.done_at = now
    erasure.events_erased = events
    session.commit()
    scrub.checkpoint(session.get_bind())  # the rows' search text, when the service has a file of its own
    log.info("conversation %s: %s event(s) erased from the tracker store", conversation_id, events)
    return True
