"""Fold Rasa events into what the staff list shows of a conversation. Plain Python, no database.

`Digest` mirrors the derived columns of `Conversation`; the indexer loads a row into one,
applies new events and writes it back, so the rules live here and are tested in milliseconds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from bot.needs import INTENT_BY_SLOT_VALUE, NEED_INTENTS

# The need intents of the NLU contract (docs/product.md), and the `need` slot's values: bot/needs.py.
NEED_SLOT_INTENTS = INTENT_BY_SLOT_VALUE
FALLBACK_INTENT = "nlu_fallback"
# A guided question asked again because its answer could not be read: Rasa stored the reply as
# `inform` (or a need) with high confidence, yet the assistant did not understand it.
NOT_UNDERSTOOD_ACTION = "action_reask_question"
RECOMMENDATIONS = ("training", "coaching", "mentoring")
# Rasa's channel names -> what staff call them.
CHANNEL_NAMES = {"socketio": "web", "rest": "rest", "telegram": "telegram"}
CHANNELS = ("web", "telegram", "rest")
SESSION_START_ACTION = "action_session_start"
FIRST_MESSAGE_LIMIT = 300
SEARCH_TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class RawEvent:
    """One row of Rasa's `events` table, as read from the tracker store."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float | None
    intent_name: str | None
    action_name: str | None
    data: str | None


@dataclass
class Digest:
    sender_id: str
    first_event_id: int
    last_event_id: int
    started_at: datetime
    last_active_at: datetime
    channel: str | None = None
    channels: str = ""
    need: str | None = None
    recommendation: str | None = None
    guidance_variant: str | None = None
    handed_over: bool = False
    user_messages: int = 0
    bot_messages: int = 0
    fallbacks: int = 0
    first_message: str | None = None
    search_text: str = ""
    restart_pending: bool = False

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The names shared with the `Conversation` row."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def start(cls, event: RawEvent) -> Digest:
        moment = event_time(event, load(event.data))
        return cls(event.sender_id, event.id, event.id, moment, moment)

    def starts_new_conversation(self, event: RawEvent) -> bool:
        """A session start after real messages is a new visit (Rasa's session expiry); after a
        restart, or before anything was said, it is the same conversation."""
        is_session_start = event.type_name == "action" and event.action_name == SESSION_START_ACTION
        return is_session_start and self.user_messages > 0 and not self.restart_pending

    def apply(self, event: RawEvent) -> None:
        data = load(event.data)
        self.last_event_id = max(self.last_event_id, event.id)
        moment = event_time(event, data)
        if moment > self.last_active_at:
            self.last_active_at = moment
        if event.type_name == "user":
            self._user(event, data)
        elif event.type_name == "bot":
            self.bot_messages += 1
        elif event.type_name == "slot":
            self._slot(data.get("name"), data.get("value"))
        elif event.type_name == "restart":  # Rasa's Restarted event
            self.restart_pending = True
        elif event.type_name == "action" and event.action_name == NOT_UNDERSTOOD_ACTION:
            self.fallbacks += 1

    def _user(self, event: RawEvent, data: dict[str, Any]) -> None:
        self.restart_pending = False
        self.user_messages += 1
        intent = user_intent(event, data)
        if intent == FALLBACK_INTENT:
            self.fallbacks += 1
        if intent in NEED_INTENTS and self.need is None:
            self.need = intent
        channel = CHANNEL_NAMES.get(str(data.get("input_channel") or ""))
        if channel:
            self.channel = self.channel or channel
            if f",{channel}," not in self.channels:
                self.channels = (self.channels or ",") + f"{channel},"
        text = data.get("text")
        if isinstance(text, str) and text and not text.startswith("/"):  # button payloads are not words
            text = storable(text)
            self.first_message = self.first_message or text[:FIRST_MESSAGE_LIMIT]
            if len(self.search_text) < SEARCH_TEXT_LIMIT:
                self.search_text = (self.search_text + "\n" + text.lower())[:SEARCH_TEXT_LIMIT].lstrip("\n")

    def _slot(self, name: object, value: object) -> None:
        if name == "need" and isinstance(value, str) and value in NEED_SLOT_INTENTS:
            self.need = NEED_SLOT_INTENTS[value]  # the need the assistant acted on wins
        elif name == "recommendation":
            self.recommendation = value if value in RECOMMENDATIONS else None
        elif name == "guidance_variant":
            self.guidance_variant = storable(value) if isinstance(value, str) and len(value) <= 32 else None
        elif name in ("lead_reference", "lead_queued") and value:
            self.handed_over = True


def load(raw: str | None) -> dict[str, Any]:
    """Rasa's event JSON, read defensively: anything unreadable is an empty event, not a 500."""
    try:
        # NaN and Infinity (Python's json writes them) are not JSON: read them as null.
        value = json.loads(raw or "{}", parse_constant=lambda _: None)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    return _storable_strings(value) if _SURROGATE_ESCAPE.search(raw or "") else value


# Rasa writes JSON with ASCII escapes: a surrogate (paired in emoji, or alone) shows up as \udXXX.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _storable_strings(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(key)): _storable_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable_strings(item) for item in value]
    return value


def storable(text: str) -> str:
    """Lone surrogates (a JSON "\\ud800" Rasa stored as given) cannot be written as UTF-8: one
    such message must not stop the index or break a page, so they become U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def user_intent(event: RawEvent, data: dict[str, Any]) -> str | None:
    parse_data = data.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    name = intent.get("name") if isinstance(intent, dict) else None
    return name if isinstance(name, str) else event.intent_name


def event_time(event: RawEvent, data: dict[str, Any]) -> datetime:
    stamp = event.timestamp if event.timestamp is not None else number(data.get("timestamp"))
    try:
        return datetime.fromtimestamp(stamp if stamp is not None else 0, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.fromtimestamp(0, UTC)


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:  # an int beyond any float
        return None
    return result if math.isfinite(result) else None
