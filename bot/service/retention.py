"""Delete what is older than the retention period (run by `python -m bot.service.cli purge`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.service.conversations.rows import delete_rows
from bot.service.db import scrub
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import ChannelLink, ConversationErasure, Lead
from bot.service.persons import CHUNK, Erased, erase_leads
from bot.service.tracker.store import TrackerStore


def purge_expired(session: Session, retention_days: int, now: datetime) -> Erased:
    cutoff = now - timedelta(days=retention_days)
    lead_ids = list(session.scalars(select(Lead.id).where(Lead.created_at < cutoff)))
    return erase_leads(session, lead_ids)


def purge_done_erasures(session: Session, retention_days: int, now: datetime) -> int:
    """Records of erasures carried out before the cutoff; pending ones always stay."""
    cutoff = now - timedelta(days=retention_days)
    removed = session.execute(
        delete(ConversationErasure).where(
            ConversationErasure.done_at.is_not(None), ConversationErasure.done_at < cutoff
        )
    ).rowcount
    session.commit()
    return removed


def purge_channel_links(session: Session, retention_days: int, now: datetime) -> int:
    """Links created before the cutoff (used or not): the conversation they point to is as old."""
    cutoff = (now - timedelta(days=retention_days)).timestamp()
    removed = session.execute(delete(ChannelLink).where(ChannelLink.created_at < cutoff)).rowcount
    session.commit()
    return removed


def purge_conversations(session: Session, tracker: TrackerStore, retention_days: int, now: datetime) -> int:
    """Visitors whose last conversation ended before the cutoff: all their events and rows.

    Whole senders only: Rasa appends to a sender's events by counting the rows it holds, so
    deleting an old session while a newer one stays would make Rasa save that one again.
    """
    cutoff = now - timedelta(days=retention_days)
    senders = list(session.scalars(
        select(Conversation.sender_id).group_by(Conversation.sender_id)
        .having(func.max(Conversation.last_active_at) < cutoff)
    ))
    for start in range(0, len(senders), CHUNK):
        chunk = senders[start : start + CHUNK]
        delete_rows(session, chunk)
        session.commit()
        for sender in chunk:
            tracker.erase(sender)
    scrub.checkpoint(session.get_bind())  # their rows' search text, when the tracker has a file of its own
    return len(senders)
