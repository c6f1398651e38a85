"""Buttons as numbered options, for channels (or moments) that cannot show buttons.

The question is sent as text with "1. Title" lines; the visitor answers "2" and the
channel turns that back into the second button's payload. Plain Python: every channel
and the tests share it.
"""

from __future__ import annotations

import re
from typing import Any

NUMBER_HINT = "Antwoord met het nummer van je keuze."
# "2", " 2 ", "2." and "2)": what people type when they answer a numbered list.
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")


def numbered_text(text: str, buttons: list[dict[str, Any]]) -> str:
    """The text, a blank line, one "1. Title" line per button, and how to answer."""
    if not buttons:
        return text
    options = "\n".join(f"{number}. {_title(button)}" for number, button in enumerate(buttons, start=1))
    body = f"{text.rstrip()}\n\n{options}" if text and text.strip() else options
    return f"{body}\n\n{NUMBER_HINT}"


def payload_for_number(reply: str, buttons: list[dict[str, Any]]) -> str | None:
    """The payload of the button this reply names by number; None when it names none."""
    number = option_number(reply)
    if number is None or not 1 <= number <= len(buttons):
        return None
    button = buttons[number - 1]
    return button.get("payload") or _title(button) or None


def option_number(reply: str) -> int | None:
    """The number in a reply like "2" or "2)"; None when the reply is something else."""
    match = _NUMBER.match(reply) if isinstance(reply, str) else None
    return int(match.group(1)) if match else None


def _title(button: dict[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "").strip()
