"""One conversation read back for staff: messages with intents and confidences, slots, the advice
with its reasons, the lead, notes and flags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.recommender import Answers, recommend
from bot.service.conversations import digest
from bot.service.conversations.schemas import (
    Advice,
    BotMessage,
    ConversationDetail,
    ConversationSummary,
    Flag,
    LeadBrief,
    Message,
    Note,
    Reason,
    UserMessage,
)
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import Lead
from bot.service.tracker.store import TrackerStore


def get(session: Session, conversation_id: int) -> Conversation | None:
    query = (
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .options(selectinload(Conversation.tags), selectinload(Conversation.notes), selectinload(Conversation.flags))
    )
    return session.scalars(query).one_or_none()


def summary(row: Conversation, lead: Lead | None) -> ConversationSummary:
    return ConversationSummary(
        **_fields(row), tags=[tag.tag for tag in row.tags], lead=LeadBrief.model_validate(lead) if lead else None
    )


def detail(session: Session, tracker: TrackerStore, row: Conversation) -> ConversationDetail:
    siblings = session.execute(
        select(Conversation.first_event_id, Conversation.id).where(Conversation.sender_id == row.sender_id)
        .order_by(Conversation.first_event_id)
    ).all()
    later = [first for first, _ in siblings if first > row.first_event_id]
    events = tracker.conversation_events(row.sender_id, row.first_event_id, later[0] if later else None)
    flags = {flag.event_id: Flag.model_validate(flag) for flag in row.flags}
    messages, slots, advice_slots = _read(events, flags)
    # The newest: after "vergeet mij" a visitor may hand over again before the erasure arrives.
    lead = session.scalars(
        select(Lead).where(Lead.conversation_id == row.sender_id).order_by(Lead.id.desc()).limit(1)).first()
    return ConversationDetail(
        **summary(row, lead).model_dump(),
        messages=messages,
        slots=slots,
        advice=_advice(advice_slots),
        notes=[Note.model_validate(note) for note in row.notes],
        flags=list(flags.values()),
        other_conversations=[other for _, other in siblings if other != row.id],
    )


def _fields(row: Conversation) -> dict[str, Any]:
    names = ConversationSummary.model_fields.keys() - {"tags", "lead", "channels"}
    return {name: getattr(row, name) for name in names} | {"channels": [c for c in row.channels.split(",") if c]}


def _read(
    events: list[digest.RawEvent], flags: dict[int, Flag]
) -> tuple[list[Message], dict[str, Any], dict[str, Any] | None]:
    """Messages in order, the last slot values, and the slots as they were when the advice was given."""
    messages: list[Message] = []
    slots: dict[str, Any] = {}
    advice_slots: dict[str, Any] | None = None
    for event in events:
        data = digest.load(event.data)
        moment = digest.event_time(event, data)
        if event.type_name == "user":
            parse_data = data.get("parse_data")
            intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
            messages.append(UserMessage(
                event_id=event.id, time=moment, text=_text(data.get("text")),
                intent=digest.user_intent(event, data),
                confidence=digest.number(intent.get("confidence")) if isinstance(intent, dict) else None,
                flag=flags.get(event.id),
                understood=digest.user_intent(event, data) != digest.FALLBACK_INTENT,
            ))
        elif event.type_name == "bot":
            messages.append(BotMessage(event_id=event.id, time=moment, text=_text(data.get("text")),
                                       buttons=_button_titles(data.get("data"))))
        elif event.type_name == "slot" and isinstance(data.get("name"), str):
            slots[data["name"]] = data.get("value")
            if data["name"] == "recommendation":
                advice_slots = dict(slots) if data.get("value") else None
        elif event.type_name == "restart":  # Rasa's Restarted event
            slots = {}
        elif event.type_name == "action" and event.action_name == digest.NOT_UNDERSTOOD_ACTION:
            _mark_last_user_message_not_understood(messages)
    return messages, slots, advice_slots


def _mark_last_user_message_not_understood(messages: list[Message]) -> None:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, UserMessage):
            messages[index] = message.model_copy(update={"understood": False})
            return


def _advice(slots: dict[str, Any] | None) -> Advice | None:
    """Reasons come from the recommender on the answers the advice was based on."""
    if not slots:
        return None
    given = recommend(Answers.from_slots(slots))
    return Advice(
        form=str(slots["recommendation"]),
        variant=slots.get("guidance_variant") if isinstance(slots.get("guidance_variant"), str) else None,
        runner_up=given.runner_up if given.informed else None,
        confidence=given.confidence if given.informed else None,
        reasons=[Reason(text=reason.text, sources=list(reason.sources)) for reason in given.reasons],
        why_not=Reason(text=given.why_not.text, sources=list(given.why_not.sources)) if given.informed else None,
    )


def _button_titles(extra: object) -> list[str]:
    buttons = extra.get("buttons") if isinstance(extra, dict) else None
    return [button["title"] for button in (buttons if isinstance(buttons, list) else [])
            if isinstance(button, dict) and isinstance(button.get("title"), str)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
