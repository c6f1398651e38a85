"""Delete what is older than the retention period (run by `python -m bot.service.cli purge`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.service.db.models import ChannelLink, ConversationErasure, Lead
from bot.service.persons import Erased, erase_leads


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
