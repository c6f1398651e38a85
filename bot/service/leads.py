"""The rules for leads: create once per conversation, the status workflow, mentor answers."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.service.db.models import Lead
from bot.service.db.types import utcnow
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


@dataclass
class CreateResult:
    lead: Lead
    created: bool


def new_reference() -> str:
    return "MW-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def find_by_conversation(session: Session, conversation_id: str) -> Lead | None:
    return session.scalars(select(Lead).where(Lead.conversation_id == conversation_id)).one_or_none()


def create_lead(session: Session, data: LeadCreate, settings: Settings, attempts: int = 5) -> CreateResult:
    """Store the lead and its notifications in one transaction; a repeated hand-off returns the first."""
    for _ in range(attempts):
        existing = find_by_conversation(session, data.conversation_id)
        if existing is not None:
            return CreateResult(existing, created=False)
        lead = _new_lead(data, settings)
        session.add(lead)
        enqueue_new_lead(session, lead, settings)
        try:
            session.commit()
        except IntegrityError:
            # A concurrent request stored this conversation first, or the reference collided: look again.
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
    fields["transcript_url"] = str(data.transcript_url) if data.transcript_url else None
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
