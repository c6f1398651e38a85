"""Erase everything about one person on request: all their conversations (Rasa's events and our
rows with notes, tags and flags), their leads with notifications, and their channel links.

The person is the visitor behind a conversation: its sender id, plus every lead of that sender
and every other lead with the same e-mail address or phone number (and those leads' senders).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.service import persons
from bot.service.auth import audit
from bot.service.auth.principal import Principal
from bot.service.conversations.rows import delete_rows
from bot.service.conversations.schemas import PersonErased
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import ChannelLink, ConversationErasure, Lead
from bot.service.db.types import utcnow
from bot.service.tracker.store import TrackerStore

log = logging.getLogger(__name__)


def person_of(session: Session, sender_id: str) -> tuple[list[str], list[int]]:
    """The sender ids and lead ids that belong to the visitor behind this sender id."""
    leads = list(session.scalars(select(Lead).where(Lead.conversation_id == sender_id)))
    contacts = [Lead.email == lead.email for lead in leads if lead.email]
    contacts += [Lead.phone == lead.phone for lead in leads if lead.phone]
    if contacts:
        leads += [lead for lead in session.scalars(select(Lead).where(or_(*contacts))) if lead not in leads]
    senders = sorted({sender_id} | {lead.conversation_id for lead in leads})
    return senders, sorted(lead.id for lead in leads)


def erase_person(
    session: Session, tracker: TrackerStore, sender_id: str, actor: Principal, erase_delay_seconds: float
) -> PersonErased:
    senders, lead_ids = person_of(session, sender_id)
    conversation_ids = list(session.scalars(select(Conversation.id).where(Conversation.sender_id.in_(senders))))
    audit.record(session, actor, "person.erase", "conversation", {
        "conversation_ids": conversation_ids, "lead_ids": lead_ids, "senders": len(senders),
    })
    conversations = delete_rows(session, senders)
    links = session.execute(delete(ChannelLink).where(ChannelLink.conversation_id.in_(senders))).rowcount
    # Rasa may be in the middle of a turn for this visitor and would save it again: erase once
    # more when that turn is surely over (the dispatcher's erase_due, which also drops the rows).
    now = utcnow()
    for sender in senders:
        session.add(ConversationErasure(conversation_id=sender, requested_at=now,
                                        due_at=now + timedelta(seconds=erase_delay_seconds)))
    erased = persons.erase_leads(session, lead_ids)  # commits everything above with the leads
    events = 0
    for sender in senders:  # now, so the transcript is gone at once; the retry above is the safety net
        try:
            events += tracker.erase(sender)
        except SQLAlchemyError as exc:
            log.warning("erasing a conversation's events failed, the dispatcher retries: %s", type(exc).__name__)
    return PersonErased(conversations=conversations, events=events, leads=erased.leads,
                        notifications=erased.notifications, channel_links=links)
