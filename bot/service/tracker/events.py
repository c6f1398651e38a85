"""Rasa 3.6's `events` table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), read-only.

Its own declarative base and metadata: nothing here is registered with the service's
`Base.metadata`, so Alembic migrations and `alembic check` never see this table.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

EVENTS_TABLE = "events"


class RasaBase(DeclarativeBase):
    """Separate from bot.service.db.base.Base on purpose."""


class TrackerEvent(RasaBase):
    """One Rasa event; `data` holds the whole event as JSON text."""

    __tablename__ = EVENTS_TABLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    type_name: Mapped[str] = mapped_column(String(255))
    timestamp: Mapped[float | None] = mapped_column(Float)
    intent_name: Mapped[str | None] = mapped_column(String(255))
    action_name: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[str | None] = mapped_column(Text)
