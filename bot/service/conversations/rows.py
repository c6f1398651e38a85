"""Delete our conversation rows of a sender (used by every kind of erasure)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.service.conversations import indexer
from bot.service.db.conversation_models import Conversation


def delete_rows(session: Session, sender_ids: list[str]) -> int:
    """Our conversation rows of these senders (notes, tags and flags cascade), under the indexer's
    lock so a pass in flight cannot bring them back. Part of the caller's transaction."""
    if not sender_ids:
        return 0
    indexer.lock(session)
    ids = list(session.scalars(select(Conversation.id).where(Conversation.sender_id.in_(sender_ids))))
    if ids:
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return len(ids)
