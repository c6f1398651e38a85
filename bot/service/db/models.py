"""Our tables: leads (one per hand-off), their outbox of notifications, conversation erasures,
channel links, staff accounts, their login sessions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.service.db.base import Base
from bot.service.db.types import UTCDateTime, utcnow

LEAD_STATUSES = ("new", "contacted", "matched", "closed")
MENTOR_RESPONSES = ("pending", "accepted", "declined")
CHANNELS = ("email", "webhook")
STAFF_ROLES = ("mentor", "admin")
# SQLite hands out the highest id again once its row is deleted; the audit log names leads, accounts
# and conversations by id, so their ids must never come back (PostgreSQL's sequences never do).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(_one_of("status", LEAD_STATUSES), name="status"),
        CheckConstraint(_one_of("mentor_response", MENTOR_RESPONSES), name="mentor_response"),
        # One lead per hand-off: the same hand-off sent twice is stored once. A hand-off made after a
        # "vergeet mij" has a later consent moment, so it is a new lead, never the erased one.
        UniqueConstraint("conversation_id", "consent_at", name="uq_leads_conversation_handoff"),
        dict(NEVER_REUSE_IDS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(128))

    first_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    preferred_moment: Mapped[str | None] = mapped_column(String(200))

    need: Mapped[str | None] = mapped_column(String(64))
    recommendation: Mapped[str | None] = mapped_column(String(16), index=True)
    guidance_variant: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    transcript_url: Mapped[str | None] = mapped_column(String(2048))

    consent_store: Mapped[bool] = mapped_column(Boolean)
    consent_contact: Mapped[bool] = mapped_column(Boolean)
    # Per channel, asked for the address and number stored. None: a lead from before 2026-12,
    # whose consent to be contacted was not recorded per channel.
    consent_email: Mapped[bool | None] = mapped_column(Boolean)
    consent_phone: Mapped[bool | None] = mapped_column(Boolean)
    consent_text_version: Mapped[str] = mapped_column(String(32))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    assigned_mentor: Mapped[str | None] = mapped_column(String(254))
    mentor_response: Mapped[str] = mapped_column(String(16), default="pending")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notifications: Mapped[list[Notification]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="Notification.id"
    )


class Notification(Base):
    """One message to deliver (outbox row): written with the lead, sent by the dispatcher."""

    __tablename__ = "notifications"
    __table_args__ = (CheckConstraint(_one_of("channel", CHANNELS), name="channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(2048))  # mentor address or webhook URL
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None once delivered or given up; the dispatcher only picks rows whose time has come.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lead: Mapped[Lead] = relationship(back_populates="notifications")


class ConversationErasure(Base):
    """A visitor's "vergeet mij": their conversation in Rasa's tracker store is deleted at `due_at`.

    Deferred because Rasa, still busy with the turn that asked, would save the whole conversation
    again; `done_at` and `events_erased` record that it happened (purged after the retention period).
    """

    __tablename__ = "conversation_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)  # Rasa's sender_id
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    events_erased: Mapped[int | None] = mapped_column(Integer)


class ChannelLink(Base):
    """A one-time link that moved (or may move) a web conversation to a Telegram chat.

    Written by Rasa's process (`bot/channels/links.py`, SQLAlchemy Core); the service erases it with
    the conversation and purges it after the retention period. Times are Unix seconds.
    """

    __tablename__ = "channel_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    claimed_at: Mapped[float | None] = mapped_column(Float)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class StaffAccount(Base):
    """A person who reviews leads (mentor) or also erases data and manages accounts (admin).

    Created with `python -m bot.service.cli create-staff`. `credentials_version` goes up on every
    password change and deactivation: tokens and sessions issued before then stop working.
    """

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint(_one_of("role", STAFF_ROLES), name="role"), dict(NEVER_REUSE_IDS))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(Base):
    """One browser login. The cookie holds a random key; only its SHA-256 is stored, and logging out
    deletes the row, so a copied cookie opens nothing afterwards."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    credentials_version: Mapped[int] = mapped_column(Integer)  # the account's at login
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEntry(Base):
    """Who erased or exported what, when. Ids only in `target` and `detail`, never personal data.

    `actor` is a label that outlives the account (an e-mail address, or "STAFF_TOKEN" for automation).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
