"""What staff add to a conversation: reviewed or not, tags, notes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.service.auth.principal import Principal
from bot.service.db.conversation_models import Conversation, ConversationNote, ConversationTag
from bot.service.db.types import utcnow


def set_reviewed(session: Session, row: Conversation, reviewed: bool, actor: Principal) -> None:
    if reviewed and row.reviewed_at is None:
        row.reviewed_at, row.reviewed_by = utcnow(), actor.label
    elif not reviewed:
        row.reviewed_at = row.reviewed_by = None
    session.commit()


def set_tags(session: Session, row: Conversation, tags: list[str]) -> None:
    """Replace the tags (duplicates and case differences fold into one)."""
    wanted = sorted({" ".join(tag.lower().split()) for tag in tags if tag.strip()})
    row.tags = [tag for tag in row.tags if tag.tag in wanted]
    present = {tag.tag for tag in row.tags}
    row.tags.extend(ConversationTag(tag=tag) for tag in wanted if tag not in present)
    session.commit()


def add_note(session: Session, row: Conversation, body: str, actor: Principal) -> ConversationNote:
    note = ConversationNote(author=actor.label, body=body.strip())
    row.notes.append(note)
    session.commit()
    return note
