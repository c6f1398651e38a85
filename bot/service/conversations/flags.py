"""Misunderstood messages, flagged with the intent they should have had, and their export as
Rasa NLU training data (a `data/nlu/*.yml` file) so the next model learns from them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.service.auth.principal import Principal
from bot.service.conversations import digest
from bot.service.db.conversation_models import Conversation, MessageFlag
from bot.service.tracker.store import TrackerStore

# YAML forbids most control characters; a training example is one line.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class NotAUserMessage(LookupError):
    """The event is not a message the visitor wrote in this conversation."""


def flag(
    session: Session, tracker: TrackerStore, row: Conversation, event_id: int, correct_intent: str, actor: Principal
) -> MessageFlag:
    """Flag one user message; flagging it again changes the intent (the latest judgement counts)."""
    event = _user_event(session, tracker, row, event_id)
    data = digest.load(event.data)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip() or text.startswith("/"):
        raise NotAUserMessage("a button press or an empty message teaches the model nothing")
    parse_data = data.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    existing = session.scalars(select(MessageFlag).where(MessageFlag.event_id == event_id)).one_or_none()
    if existing is None:
        existing = MessageFlag(conversation_id=row.id, event_id=event_id, text=text)
        session.add(existing)
    existing.predicted_intent = digest.user_intent(event, data)
    existing.predicted_confidence = digest.number(intent.get("confidence")) if isinstance(intent, dict) else None
    existing.correct_intent = correct_intent
    existing.flagged_by = actor.label
    try:
        session.commit()
    except IntegrityError:  # flagged at the same moment by someone else: theirs stands
        session.rollback()
        return session.scalars(select(MessageFlag).where(MessageFlag.event_id == event_id)).one()
    return existing


def _user_event(session: Session, tracker: TrackerStore, row: Conversation, event_id: int) -> digest.RawEvent:
    later = session.scalar(
        select(func.min(Conversation.first_event_id))
        .where(Conversation.sender_id == row.sender_id, Conversation.first_event_id > row.first_event_id)
    )
    if event_id < row.first_event_id or (later is not None and event_id >= later):
        raise NotAUserMessage("not in this conversation")
    for event in tracker.conversation_events(row.sender_id, event_id, event_id + 1):
        if event.type_name == "user":
            return event
    raise NotAUserMessage("not a user message")


def unflag(session: Session, flag_id: int) -> bool:
    found = session.get(MessageFlag, flag_id)
    if found is None:
        return False
    session.delete(found)
    session.commit()
    return True


def all_flags(session: Session, limit: int, offset: int) -> tuple[list[MessageFlag], int]:
    total = session.scalar(select(func.count()).select_from(MessageFlag)) or 0
    newest_first = select(MessageFlag).order_by(MessageFlag.created_at.desc(), MessageFlag.id.desc())
    query = newest_first.limit(limit).offset(offset)
    return list(session.scalars(query)), total


def nlu_yaml(flags: Iterable[MessageFlag], exported_at: datetime) -> str:
    """Rasa 3 NLU training data: one block per intent, each text once, in a stable order."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for found in flags:
        text = " ".join(_NOT_ONE_LINE.sub(" ", found.text).split())
        if text and text not in by_intent[found.correct_intent]:
            by_intent[found.correct_intent].append(text)
    lines = [
        "# Berichten die de assistent verkeerd begreep, gemarkeerd door staff in Mentorwijzer",
        f"# ({exported_at.strftime('%Y-%m-%d %H:%M')} UTC). Lees ze na, zet ze in data/nlu/ en train opnieuw.",
        'version: "3.1"',
    ]
    if not by_intent:
        return "\n".join([*lines, "nlu: []", ""])
    lines.append("nlu:")
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in sorted(by_intent[intent])]
    return "\n".join(lines) + "\n"
