"""The rules for leads: create once per hand-off, the status workflow, mentor answers.

A hand-off is named by its conversation and the moment the visitor gave consent: sent twice
(a retry, the action server's outbox), it is stored once. After "vergeet mij" a visitor may hand
over again in the same conversation: a later consent moment, so a new lead with its own
reference, never the old one that the erasure (perhaps still on its way) is about to take.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.service.db.locks import lock_conversation
from bot.service.db.models import ConversationErasure, Lead
from bot.service.db.types import utcnow
from bot.service.lead_links import lead_page_url
from bot.service.notify.outbox import enqueue_new_lead
from bot.service.notify.routing import next_mentor, reassign
from bot.service.schemas import LeadCreate
from bot.service.settings import Settings

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: the reference is read aloud on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 5
ALLOWED_TRANSITIONS = {"new": {"contacted"}, "contacted": {"matched", "closed"}}


class InvalidTransition(Exception):
    """A status or mentor answer that the workflow does not allow from the current state."""


class ErasedBeforeArrival(Exception):
    """The visitor asked to erase this conversation after this hand-off was made: nothing is stored."""


@dataclass
class CreateResult:
    lead: Lead
    created: bool


def new_reference() -> str:
    return "MW-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def find_by_conversation(session: Session, conversation_id: str) -> Lead | None:
    """The conversation's newest lead (after a "vergeet mij" it may have handed over again)."""
    return session.scalars(
        select(Lead).where(Lead.conversation_id == conversation_id).order_by(Lead.id.desc()).limit(1)
    ).first()


def find_hand_off(session: Session, conversation_id: str, consent_at: datetime) -> Lead | None:
    return session.scalars(
        select(Lead).where(Lead.conversation_id == conversation_id, Lead.consent_at == consent_at)
    ).one_or_none()


def erased_after(session: Session, conversation_id: str, moment: datetime) -> bool:
    """Did the visitor ask to erase this conversation at or after `moment`?"""
    return session.scalar(
        select(ConversationErasure.id)
        .where(ConversationErasure.conversation_id == conversation_id, ConversationErasure.requested_at >= moment)
        .limit(1)
    ) is not None


def create_lead(
    session: Session, data: LeadCreate, settings: Settings, staff_base_url: str | None = None, attempts: int = 5
) -> CreateResult:
    """Store the lead and its notifications in one transaction; the same hand-off again returns the first.

    `staff_base_url`: where staff open the service; the lead's link (and the mentor's e-mail) points
    to its own page there. Raises ErasedBeforeArrival for a hand-off older than a "vergeet mij"."""
    for _ in range(attempts):
        lock_conversation(session, data.conversation_id)  # an erasure of it waits, or has committed
        if erased_after(session, data.conversation_id, data.consent_at):
            # A hand-off that waited in an outbox while the visitor asked to forget them.
            session.rollback()
            raise ErasedBeforeArrival(data.conversation_id)
        existing = find_hand_off(session, data.conversation_id, data.consent_at)
        if existing is not None:
            return CreateResult(existing, created=False)
        lead = _new_lead(data, settings)
        session.add(lead)
        enqueue_new_lead(session, lead, settings)
        try:
            session.flush()  # the id: the link names the lead, not the conversation
            lead.transcript_url = lead_page_url(staff_base_url, lead.id) if staff_base_url else None
            session.commit()
        except IntegrityError:
            # A concurrent request stored this hand-off first, or the reference collided: look again.
            session.rollback()
            continue
        if data.consent_text_version != settings.consent_text_version:
            log.warning("lead %s stored with consent text version other than the current one", lead.reference)
        log.info("lead %s stored (id %s)", lead.reference, lead.id)
        return CreateResult(lead, created=True)
    raise RuntimeError("could not store the lead after several attempts")


def _new_lead(data: LeadCreate, settings: Settings) -> Lead:
    now = utcnow()
    fields = data.model_dump(mode="python")
    fields["transcript_url"] = None  # set once the id is known
    return Lead(
        **fields,
        reference=new_reference(),
        status="new",
        assigned_mentor=settings.mentor_emails[0],
        mentor_response="pending",
        assigned_at=now,
        created_at=now,
        updated_at=now,
    )


def change_status(session: Session, lead: Lead, status: str) -> Lead:
    if status != lead.status:
        if status not in ALLOWED_TRANSITIONS.get(lead.status, set()):
            raise InvalidTransition(f"status '{lead.status}' kan niet naar '{status}'")
        lead.status = status
        session.commit()
        log.info("lead %s status -> %s", lead.reference, status)
    return lead


def record_mentor_response(session: Session, lead: Lead, response: str, settings: Settings) -> Lead:
    """A declined lead goes straight to the next mentor in the list, if there is one."""
    if lead.mentor_response != "pending":
        raise InvalidTransition(f"de mentor heeft al geantwoord ({lead.mentor_response})")
    following = next_mentor(settings.mentor_emails, lead.assigned_mentor) if response == "declined" else None
    if following is None:
        lead.mentor_response = response
    else:
        reassign(session, lead, following, utcnow())
    session.commit()
    log.info("lead %s mentor response %s", lead.reference, response)
    return lead
