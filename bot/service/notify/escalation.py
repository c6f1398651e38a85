"""Move a lead on to the next mentor when the assigned one has not answered in time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.service.db.models import Lead
from bot.service.notify.routing import next_mentor, reassign
from bot.service.settings import Settings

log = logging.getLogger(__name__)


def escalate_unanswered(session: Session, settings: Settings, now: datetime) -> int:
    """Reassign every new lead left pending too long; returns how many moved."""
    deadline = now - timedelta(minutes=settings.escalate_after_minutes)
    overdue = session.scalars(
        select(Lead)
        .where(Lead.status == "new", Lead.mentor_response == "pending", Lead.assigned_at <= deadline)
        # The last mentor has nobody to pass on to: skip those rows instead of locking them every round.
        .where(or_(Lead.assigned_mentor.is_(None), Lead.assigned_mentor != settings.mentor_emails[-1]))
        .order_by(Lead.id)
        .with_for_update(skip_locked=True)
    ).all()
    moved = 0
    for lead in overdue:
        following = next_mentor(settings.mentor_emails, lead.assigned_mentor)
        if following is None:
            continue  # end of the list: the lead stays visible to staff as unanswered
        reassign(session, lead, following, now)
        moved += 1
        log.info("lead %s escalated to the next mentor", lead.reference)
    session.commit()
    return moved
