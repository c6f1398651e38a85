"""Deliver the notifications whose time has come; record failures and retry with backoff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service.db.models import Notification
from bot.service.db.types import utcnow
from bot.service.notify import mail, summary, webhook
from bot.service.settings import Settings

log = logging.getLogger(__name__)

BATCH_SIZE = 50
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def deliver_due(session: Session, settings: Settings, now: datetime | None = None) -> DeliveryReport:
    now = now or utcnow()
    report = DeliveryReport()
    due_ids = session.scalars(
        select(Notification.id)
        .where(Notification.delivered_at.is_(None), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(BATCH_SIZE)
    ).all()
    session.rollback()  # end the read; each notification gets its own transaction below
    for notification_id in due_ids:
        outcome = _deliver_one(session, settings, notification_id, now)
        if outcome is True:
            report.delivered += 1
        elif outcome is False:
            report.failed += 1
    return report


def _deliver_one(session: Session, settings: Settings, notification_id: int, now: datetime) -> bool | None:
    """True delivered, False failed, None when another worker has it or already sent it."""
    # Row lock (PostgreSQL) so two service instances never send the same notification.
    notification = session.scalars(
        select(Notification)
        .where(Notification.id == notification_id, Notification.delivered_at.is_(None))
        .with_for_update(skip_locked=True)
    ).one_or_none()
    if notification is None:
        session.rollback()
        return None
    reference = notification.lead.reference
    try:
        _send(settings, notification)
    except Exception as exc:  # any transport error: keep the row, try again later
        notification.attempts += 1
        notification.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        gave_up = notification.attempts >= settings.notify_max_attempts
        notification.next_attempt_at = None if gave_up else now + retry_delay(notification.attempts)
        session.commit()
        log.warning(
            "notification %s (%s, lead %s) failed, attempt %s%s: %s",
            notification.id,
            notification.channel,
            reference,
            notification.attempts,
            ", giving up" if gave_up else "",
            type(exc).__name__,
        )
        return False
    notification.attempts += 1
    notification.delivered_at = now
    notification.next_attempt_at = None
    notification.last_error = None
    session.commit()
    log.info("notification %s (%s, lead %s) delivered", notification.id, notification.channel, reference)
    return True


def _send(settings: Settings, notification: Notification) -> None:
    lead = notification.lead
    if notification.channel == "email":
        mail.send_email(settings, notification.target, summary.subject(lead), summary.body(lead))
    elif notification.channel == "webhook":
        webhook.post_lead(settings, notification.target, lead)
    else:
        raise ValueError(f"unknown channel {notification.channel}")
