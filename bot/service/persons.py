"""One person's data across leads: find it, export it, erase it (AVG/GDPR)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.service.auth import audit
from bot.service.auth.principal import Principal
from bot.service.conversations import rows as conversation_rows
from bot.service.db import scrub
from bot.service.db.models import ChannelLink, Lead, Notification

log = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class Erased:
    leads: int
    notifications: int
    channel_links: int = 0


def _matches(email: str | None, phone: str | None) -> ColumnElement[bool]:
    """Leads with this e-mail or this E.164 phone number."""
    conditions = []
    if email:
        conditions.append(Lead.email == email.lower())  # stored lower-cased
    if phone:
        conditions.append(Lead.phone == phone)
    if not conditions:
        raise ValueError("give an e-mail address or a phone number")
    return or_(*conditions)


def find_leads(session: Session, email: str | None, phone: str | None) -> list[Lead]:
    query = select(Lead).where(_matches(email, phone)).options(selectinload(Lead.notifications)).order_by(Lead.id)
    return list(session.scalars(query))


def erase_leads(session: Session, lead_ids: list[int]) -> Erased:
    """Delete the leads and their notifications in one transaction."""
    leads = notifications = 0
    for start in range(0, len(lead_ids), CHUNK):  # bounded IN lists for large purges
        chunk = lead_ids[start : start + CHUNK]
        notifications += session.execute(delete(Notification).where(Notification.lead_id.in_(chunk))).rowcount
        leads += session.execute(delete(Lead).where(Lead.id.in_(chunk))).rowcount
    session.commit()
    scrub.checkpoint(session.get_bind())  # SQLite: not even in the -wal file
    log.info("erased %s lead(s) and %s notification(s)", leads, notifications)
    return Erased(leads, notifications)


def erase_person(session: Session, email: str | None, phone: str | None) -> Erased:
    lead_ids = list(session.scalars(select(Lead.id).where(_matches(email, phone))))
    return erase_leads(session, lead_ids)


def erase_conversation(session: Session, conversation_id: str, asked_at: datetime | None = None) -> Erased:
    """ "Vergeet mij" from the chat: the action server knows the conversation, not the e-mail.

    With `asked_at`, only what was given before it: a hand-off made after the visitor asked is a
    new lead that this erasure, arriving late from the action server's outbox, must not take."""
    # The id in `detail`: a conversation id may fill `target`'s 255 characters on its own.
    audit.record(session, Principal.visitor(), "conversation.erase", "conversation",
                 {"conversation_id": conversation_id})
    # Off the staff list at once; the events follow (erasure.erase_due), which lists what is left again.
    conversation_rows.delete_rows(session, [conversation_id])
    # The conversation's links go too: a linked Telegram chat then starts a new conversation.
    links_before = [ChannelLink.conversation_id == conversation_id]
    leads_before = [Lead.conversation_id == conversation_id]
    if asked_at is not None:
        links_before.append(ChannelLink.created_at <= asked_at.timestamp())
        leads_before.append(Lead.consent_at <= asked_at)
    links = session.execute(delete(ChannelLink).where(*links_before)).rowcount
    lead_ids = list(session.scalars(select(Lead.id).where(*leads_before)))
    erased = erase_leads(session, lead_ids)  # commits the links' deletion with the leads'
    erased.channel_links = links
    return erased
