"""Telegram's JSON, both ways, in plain Python: reading an update, building keyboards and texts.

The Rasa channel (bot/channels/telegram.py) does the I/O; everything here is a pure function,
testable in milliseconds without Rasa. Shapes follow https://core.telegram.org/bots/api.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from bot.channels.conversation_ids import is_telegram_chat_id
from bot.message_guard import clean_text

# Telegram's limits: a message text holds 4096 characters, callback_data 64 bytes.
MAX_MESSAGE_CHARS = 4096
MAX_CALLBACK_BYTES = 64
HASH_PREFIX = "h:"
# Deep-link start parameters: up to 64 of [A-Za-z0-9_-] (Telegram refuses anything else).
_START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", re.DOTALL)


class Kind:
    TEXT = "text"  # a message with text
    CALLBACK = "callback"  # a tap on an inline keyboard button
    NOT_TEXT = "not_text"  # a message without text: sticker, photo, voice, location...
    IGNORED = "ignored"  # edited messages, channel posts, anything else


@dataclass(frozen=True)
class Update:
    """What we need from one Telegram update; `kind` says which fields are set."""

    kind: str
    update_id: int | None = None
    chat_id: int | None = None
    chat_type: str | None = None
    text: str | None = None
    callback_id: str | None = None
    data: str | None = None
    message_id: int | None = None  # the message whose button was tapped
    language: str | None = None
    first_name: str | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"


def parse_update(body: dict[str, Any]) -> Update:
    """Read one update. Never raises: anything we do not handle comes back as IGNORED."""
    update_id = body.get("update_id") if _is_int(body.get("update_id")) else None
    message = body.get("message")
    if isinstance(message, dict):
        return _from_message(update_id, message)
    callback = body.get("callback_query")
    if isinstance(callback, dict):
        return _from_callback(update_id, callback)
    return Update(Kind.IGNORED, update_id)


def _from_message(update_id: int | None, message: dict[str, Any]) -> Update:
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id = chat.get("id") if _is_int(chat.get("id")) else None
    if chat_id is None:
        return Update(Kind.IGNORED, update_id)
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    text = message.get("text")
    kind = Kind.TEXT if isinstance(text, str) else Kind.NOT_TEXT
    return Update(kind, update_id, chat_id, _str(chat.get("type")), _str(text),
                  language=_str(sender.get("language_code")), first_name=_str(sender.get("first_name")))


def _from_callback(update_id: int | None, callback: dict[str, Any]) -> Update:
    callback_id = _str(callback.get("id"))
    if not callback_id:
        return Update(Kind.IGNORED, update_id)
    sender = callback.get("from") if isinstance(callback.get("from"), dict) else {}
    # `message` is missing for buttons under inline-mode messages: no chat to answer in.
    message = callback.get("message") if isinstance(callback.get("message"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    return Update(
        Kind.CALLBACK, update_id,
        chat_id=chat.get("id") if _is_int(chat.get("id")) else None,
        chat_type=_str(chat.get("type")),
        callback_id=callback_id,
        data=_str(callback.get("data")),
        message_id=message.get("message_id") if _is_int(message.get("message_id")) else None,
        language=_str(sender.get("language_code")),
        first_name=_str(sender.get("first_name")),
    )


def parse_command(text: str) -> tuple[str, str] | None:
    """`/start@MentorBot abc` -> ("start", "abc"); None when the text is no bot command."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def is_start_payload(value: str) -> bool:
    return bool(_START_PAYLOAD.match(value))


# --- buttons --------------------------------------------------------------------------------


def callback_data_for(payload: str) -> str:
    """The payload itself when it fits in 64 bytes, else a short hash of it."""
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(HASH_PREFIX):
        return payload
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return HASH_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def payload_for_callback(data: str, buttons: list[dict[str, Any]]) -> str | None:
    """The payload a tapped button stands for; a hash is looked up among `buttons` (newest first)."""
    if not data.startswith(HASH_PREFIX):
        return data
    for button in buttons:
        payload = button_payload(button)
        if payload and callback_data_for(payload) == data:
            return payload
    return None


def button_payload(button: dict[str, Any]) -> str:
    return str(button.get("payload") or button.get("title") or "")


def inline_keyboard(buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """One button per row: our titles are long and would be cut off side by side."""
    rows = []
    for button in buttons:
        title = str(button.get("title") or button_payload(button))
        if button.get("url"):
            rows.append([{"text": title, "url": str(button["url"])}])
        else:
            rows.append([{"text": title, "callback_data": callback_data_for(button_payload(button))}])
    return {"inline_keyboard": rows}


# --- texts ----------------------------------------------------------------------------------


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Cut a text into messages Telegram accepts, at paragraph, then line, then word boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for piece in _fit(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def _fit(paragraph: str, limit: int) -> list[str]:
    """A paragraph in pieces of at most `limit` characters."""
    pieces = []
    while len(paragraph) > limit:
        cut = max(paragraph.rfind("\n", 0, limit), paragraph.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        pieces.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    if paragraph:
        pieces.append(paragraph)
    return pieces


def _is_int(value: object) -> bool:
    # Bounded: an id becomes part of a conversation id, stored in a VARCHAR(255) column.
    return is_telegram_chat_id(value)


def _str(value: object) -> str | None:
    """Text from the update as it can be stored (a forged update may carry lone surrogates)."""
    return clean_text(value) if isinstance(value, str) else None
