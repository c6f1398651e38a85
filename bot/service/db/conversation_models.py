"""Our tables about Rasa's conversations: one row per conversation (an index of the tracker
store, kept up to date by `bot/service/conversations/indexer.py`), and what staff add to it:
review, tags, notes and flagged messages.

A conversation is one Rasa session of one sender: a visitor who comes back after the session
expiry (domain.yml) starts a new one. Everything here cascades from `conversations`, so erasing
a person's conversation rows takes their notes, tags and flags with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.service.db.base import Base
from bot.service.db.types import UTCDateTime, utcnow


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_sender_first_event", "sender_id", "first_event_id"),
        {"sqlite_autoincrement": True},  # the audit log names conversations by id: never hand one out twice
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255))  # Rasa's sender id (a lead's conversation_id)
    # Rasa's `events.id` range of this session: where the transcript starts and how far we indexed.
    first_event_id: Mapped[int] = mapped_column(Integer, unique=True)
    last_event_id: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    channel: Mapped[str | None] = mapped_column(String(16), index=True)  # where it began: web, telegram, rest
    channels: Mapped[str] = mapped_column(String(64), default="")  # every channel, ",web,telegram,"
    need: Mapped[str | None] = mapped_column(String(64), index=True)  # a need intent of the NLU contract
    recommendation: Mapped[str | None] = mapped_column(String(16), index=True)
    guidance_variant: Mapped[str | None] = mapped_column(String(32))
    handed_over: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    user_messages: Mapped[int] = mapped_column(Integer, default=0, index=True)
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    first_message: Mapped[str | None] = mapped_column(String(300))
    # Lower-cased user messages, for the staff search (bounded: see indexer.SEARCH_TEXT_LIMIT).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # A restart keeps the conversation: the session start Rasa runs after it is not a new visit.
    restart_pending: Mapped[bool] = mapped_column(Boolean, default=False)

    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(254))

    tags: Mapped[list[ConversationTag]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ConversationTag.tag",
    )
    notes: Mapped[list[ConversationNote]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ConversationNote.id",
    )
    flags: Mapped[list[MessageFlag]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MessageFlag.event_id",
    )


class ConversationTag(Base):
    __tablename__ = "conversation_tags"
    __table_args__ = (UniqueConstraint("conversation_id", "tag", name="uq_conversation_tags_conversation_tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(40), index=True)

    conversation: Mapped[Conversation] = relationship(back_populates="tags")


class ConversationNote(Base):
    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="notes")


class MessageFlag(Base):
    """A user message the model misunderstood, with the intent it should have had (NLU export)."""

    __tablename__ = "message_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(Integer, unique=True)  # Rasa's events.id of the user message
    text: Mapped[str] = mapped_column(Text)
    predicted_intent: Mapped[str | None] = mapped_column(String(255))
    predicted_confidence: Mapped[float | None] = mapped_column(Float)
    correct_intent: Mapped[str] = mapped_column(String(64), index=True)
    flagged_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="flags")


class ConversationIndexState(Base):
    """One row: the highest tracker event id indexed. Updating it first serialises indexers."""

    __tablename__ = "conversation_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
