"""Drive a guided conversation the way a visitor does: read, tap a button, type."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clarifying_question import SOMETHING_ELSE
from bot.needs import CHOICES

INFORM = re.compile(r'^/inform(\{.*\})$')


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def asked_dimension(replies: list[dict]) -> str | None:
    """The guided question in these replies, read from its buttons' payloads."""
    for reply in replies:
        for button in reply.get("buttons") or []:
            match = INFORM.match(button.get("payload", ""))
            if match:
                return next(iter(json.loads(match.group(1))))
    return None


def button_for(replies: list[dict], dimension: str, value: str) -> str:
    for reply in replies:
        for button in reply.get("buttons") or []:
            match = INFORM.match(button.get("payload", ""))
            if match and json.loads(match.group(1)) == {dimension: value}:
                return button["payload"]
    raise AssertionError(f"no button for {dimension}={value} in {replies}")


def is_clarifying_question(replies: list[dict]) -> bool:
    """The assistant was unsure and offers its likeliest readings, with "Iets anders"."""
    return any(b.get("title") == SOMETHING_ELSE for r in replies for b in r.get("buttons") or [])


def is_recommendation(replies: list[dict]) -> bool:
    return "Mijn advies:" in texts(replies)


@dataclass
class Persona:
    """A scripted visitor: an opening line and how they would answer each question.

    An answer is either a value (they tap that button) or free text they type.
    Missing dimensions are answered "weet ik niet".
    """

    name: str
    opening: str
    answers: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    expected: str = ""
    expected_variant: str | None = None
    need: str | None = None  # what they came for: the button they tap when the assistant asks "Bedoel je ...?"

    def reply_to(self, replies: list[dict]) -> str:
        if is_clarifying_question(replies):
            offered = {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or []}
            return offered.get(CHOICES.get(self.need or "", ""), offered[SOMETHING_ELSE])
        dimension = asked_dimension(replies)
        if dimension is None:
            raise AssertionError(f"{self.name}: expected a question, got {texts(replies)!r}")
        if dimension in self.typed:
            return self.typed[dimension]
        if dimension in self.answers:
            return button_for(replies, dimension, self.answers[dimension])
        return "weet ik niet"


def run_persona(send: Callable[[str], list[dict]], persona: Persona, max_turns: int = 8) -> tuple[list[dict], int]:
    """Hold the conversation until the advice; returns the advice and user turns after the opening."""
    replies = send(persona.opening)
    turns = 0
    while not is_recommendation(replies):
        if turns >= max_turns:
            raise AssertionError(f"{persona.name}: no advice after {turns} answers; last: {texts(replies)!r}")
        replies = send(persona.reply_to(replies))
        turns += 1
    return replies, turns


# --- the hand-off to a mentor ---------------------------------------------------------------


def button(replies: list[dict], title: str) -> str:
    for reply in replies:
        for candidate in reply.get("buttons") or []:
            if candidate["title"] == title:
                return candidate["payload"]
    raise AssertionError(f"no button {title!r} in {texts(replies)!r}")


def give_details(say, first_reply: list[dict], name: str = "Anna",
                 contact: str = "anna@voorbeeld.nl of 06 12345678") -> list[dict]:
    """From the name question up to and including the summary."""
    assert "voornaam" in texts(first_reply)
    replies = say(name)
    assert "bereiken" in texts(replies)
    replies = say(contact)
    replies = say(button(replies, "Doordeweeks overdag"))
    assert "365 dagen" in texts(replies) and "bewaren" in texts(replies)
    replies = say(button(replies, "Ja, dat is goed"))
    assert "contact met je opnemen" in texts(replies)
    return say("ja hoor")
