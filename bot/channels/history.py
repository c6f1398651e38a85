"""What a returning web visitor sees again: the conversation so far, as the widget shows it.

Built from Rasa's tracker events (as dicts, `event.as_dict()`), from the last restart or new
session on. A button tap is stored as its payload ("/inform{...}"); it is shown as the button's
title, as it was when tapped. Commands the channels send on the user's behalf (a "/restart" from
Telegram's /opnieuw, "/resume_conversation") are not shown. Plain Python.
"""

from __future__ import annotations

from typing import Any

_STARTS_OVER = {"restart", "session_started"}


def visible_messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    buttons_shown: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind in _STARTS_OVER:
            messages, buttons_shown = [], []
        elif kind == "bot":
            message = _bot_message(event)
            if message:
                messages.append(message)
                buttons_shown = message.get("buttons", [])
        elif kind == "user":
            text = _user_text(event.get("text") or "", buttons_shown)
            if text:
                messages.append({"sender": "user", "text": text, "timestamp": event.get("timestamp")})
            buttons_shown = []
    return messages


def _bot_message(event: dict[str, Any]) -> dict[str, Any] | None:
    data = event.get("data") or {}
    message: dict[str, Any] = {"sender": "bot", "text": event.get("text") or "", "timestamp": event.get("timestamp")}
    buttons = [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in data.get("buttons") or []
        if isinstance(button, dict)
    ]
    if buttons:
        message["buttons"] = buttons
    if data.get("image"):
        message["image"] = str(data["image"])
    return message if message["text"] or buttons or "image" in message else None


def _user_text(text: str, buttons_shown: list[dict[str, Any]]) -> str | None:
    for button in buttons_shown:
        if button["payload"] == text:
            return button["title"]
    return None if text.startswith("/") else text
