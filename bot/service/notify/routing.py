"""Which mentor gets a lead: the configured list, in order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.service.db.models import Lead
from bot.service.notify.outbox import enqueue_email


def next_mentor(mentors: list[str], current: str | None) -> str | None:
    """The mentor after `current`; None at the end of the list (staff take over, no loop)."""
    if current not in mentors:
        return mentors[0] if mentors else None
    position = mentors.index(current)
    return mentors[position + 1] if position + 1 < len(mentors) else None


def reassign(session: Session, lead: Lead, mentor: str, now: datetime) -> None:
    """Hand the lead to another mentor and queue the e-mail to them; the caller commits."""
    lead.assigned_mentor = mentor
    lead.mentor_response = "pending"
    lead.assigned_at = now
    enqueue_email(session, lead, mentor, now)
