"""Queue notifications in the caller's transaction, so a lead is never stored without them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.service.db.models import Lead, Notification
from bot.service.db.types import utcnow
from bot.service.settings import Settings


def enqueue_new_lead(session: Session, lead: Lead, settings: Settings) -> None:
    now = utcnow()
    enqueue_email(session, lead, settings.mentor_emails[0], now)
    if settings.webhook_url is not None:
        _add(session, lead, "webhook", str(settings.webhook_url), now)


def enqueue_email(session: Session, lead: Lead, address: str, now: datetime) -> None:
    _add(session, lead, "email", address, now)


def _add(session: Session, lead: Lead, channel: str, target: str, now: datetime) -> None:
    # Due at once: the dispatcher picks it up on its next round.
    notification = Notification(channel=channel, target=target, attempts=0, next_attempt_at=now, created_at=now)
    lead.notifications.append(notification)
    session.add(notification)
