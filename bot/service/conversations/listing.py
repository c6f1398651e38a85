"""The staff list of conversations: filters, text search, newest first, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, selectinload

from bot.service.db.conversation_models import Conversation, ConversationTag
from bot.service.db.models import Lead


@dataclass(frozen=True)
class ConversationFilter:
    """Every field optional; all given ones must hold. Times are UTC (aware)."""

    started_from: datetime | None = None
    started_to: datetime | None = None
    channel: str | None = None  # web | telegram | rest
    need: str | None = None  # a need intent, e.g. need_skill
    recommendation: str | None = None  # training | coaching | mentoring | none
    handed_over: bool | None = None
    reviewed: bool | None = None
    tag: str | None = None
    text: str | None = None
    sender_id: str | None = None
    include_empty: bool = False  # sessions in which the visitor never wrote


@dataclass
class ConversationPage:
    items: list[Conversation]
    total: int
    limit: int
    offset: int
    leads: dict[str, Lead]  # by sender id, for the items on this page


def conditions(wanted: ConversationFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if not wanted.include_empty:
        found.append(Conversation.user_messages > 0)
    if wanted.started_from:
        found.append(Conversation.started_at >= wanted.started_from)
    if wanted.started_to:
        found.append(Conversation.started_at <= wanted.started_to)
    if wanted.channel:
        found.append(Conversation.channels.contains(f",{wanted.channel},", autoescape=True))
    if wanted.need:
        found.append(Conversation.need == wanted.need)
    if wanted.recommendation == "none":
        found.append(Conversation.recommendation.is_(None))
    elif wanted.recommendation:
        found.append(Conversation.recommendation == wanted.recommendation)
    if wanted.handed_over is not None:
        found.append(Conversation.handed_over.is_(wanted.handed_over))
    if wanted.reviewed is not None:
        found.append(Conversation.reviewed_at.is_not(None) if wanted.reviewed else Conversation.reviewed_at.is_(None))
    if wanted.tag:
        found.append(exists().where(ConversationTag.conversation_id == Conversation.id,
                                    ConversationTag.tag == wanted.tag.lower()))
    if wanted.sender_id:
        found.append(Conversation.sender_id == wanted.sender_id)
    if wanted.text:
        # search_text is lower-cased by the indexer; `contains` escapes % and _ the visitor may search for.
        found.append(Conversation.search_text.contains(wanted.text.lower(), autoescape=True))
    return found


def page(session: Session, wanted: ConversationFilter, limit: int, offset: int) -> ConversationPage:
    where = conditions(wanted)
    total = session.scalar(select(func.count()).select_from(Conversation).where(*where)) or 0
    newest_first = (
        select(Conversation)
        .where(*where)
        .order_by(Conversation.last_active_at.desc(), Conversation.id.desc())
        .options(selectinload(Conversation.tags))
        .limit(limit)
        .offset(offset)
    )
    items = list(session.scalars(newest_first))
    return ConversationPage(items, total, limit, offset, leads_of(session, {item.sender_id for item in items}))


def leads_of(session: Session, sender_ids: set[str]) -> dict[str, Lead]:
    if not sender_ids:
        return {}
    # Oldest first, so each sender's newest lead is the one kept (a new hand-off after "vergeet mij").
    return {lead.conversation_id: lead for lead in session.scalars(
        select(Lead).where(Lead.conversation_id.in_(sorted(sender_ids))).order_by(Lead.id))}
