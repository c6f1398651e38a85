"""Turn Rasa's stored events into a transcript: who said what, when, and the slots at the end.

Rasa's JSON is read defensively: an event we cannot read is skipped, not a 500.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from bot.service.schemas import BotTurn, Turn, UserTurn
from bot.service.tracker.events import TrackerEvent


def build(events: Iterable[TrackerEvent]) -> tuple[list[Turn], dict[str, Any]]:
    """The user and bot turns in order, and the last value of every slot event."""
    turns: list[Turn] = []
    slots: dict[str, Any] = {}
    for event in events:
        data = _load(event.data)
        if event.type_name == "user":
            turns.append(_user_turn(event, data))
        elif event.type_name == "bot":
            turns.append(_bot_turn(event, data))
        elif event.type_name == "slot" and isinstance(data.get("name"), str):
            slots[data["name"]] = data.get("value")
    return turns, slots


def _user_turn(event: TrackerEvent, data: dict[str, Any]) -> UserTurn:
    parse_data = data.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    intent = intent if isinstance(intent, dict) else {}
    name = intent.get("name")
    return UserTurn(
        time=_time(event, data),
        text=_text(data.get("text")),
        intent=name if isinstance(name, str) else event.intent_name,
        confidence=_number(intent.get("confidence")),
    )


def _bot_turn(event: TrackerEvent, data: dict[str, Any]) -> BotTurn:
    extra = data.get("data")
    buttons = extra.get("buttons") if isinstance(extra, dict) else None
    titles = [
        button["title"]
        for button in (buttons if isinstance(buttons, list) else [])
        if isinstance(button, dict) and isinstance(button.get("title"), str)
    ]
    return BotTurn(time=_time(event, data), text=_text(data.get("text")), buttons=titles)


def _load(raw: str | None) -> dict[str, Any]:
    try:
        # NaN and Infinity (Python's json writes them) are not JSON: read them as null.
        value = json.loads(raw or "{}", parse_constant=lambda _: None)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _time(event: TrackerEvent, data: dict[str, Any]) -> datetime | None:
    stamp = event.timestamp if event.timestamp is not None else _number(data.get("timestamp"))
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        return None
    return number if math.isfinite(number) else None
