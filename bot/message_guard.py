"""What a user message must look like before Rasa sees it.

Stock Rasa 3.6 trusts its input: a 2 MB message blocks every conversation
while NLU chews on it, and a typed `/inform{"slot": "<b>x</b>"}` skips NLU and
writes slots directly. The guard caps the length and lets through only the
exact button payloads this assistant offers; any other slash command is passed
on as plain text. Text that cannot be stored is cleaned first (`clean_text`): a lone UTF-16
surrogate ("\ud800", valid in JSON, not in UTF-8) once made Rasa's tracker store end the process.
Plain Python: the Rasa channel and the tests share it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.recommender.distinctions import DIMENSIONS, load_distinctions

DEFAULT_MAX_CHARS = 2000
# Button payloads that carry no data; `/inform{...}` is checked value by value.
PLAIN_PAYLOAD_INTENTS = frozenset({"dont_know", "restart", "request_human", "ask_more", "affirm", "deny"})
_LEADING_SLASHES = re.compile(r"^[\s/]+")
# Lone surrogates cannot be encoded as UTF-8 (every store would fail on them).
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters except tab and newlines, and DEL: invisible, and some databases refuse them.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INFORM = re.compile(r"^/inform(\{.*\})$", re.DOTALL)

EMPTY_REPLY = "Ik zie geen tekst in je bericht. Vertel gerust in een paar woorden wat je wilt ontwikkelen."
TRUNCATED_REPLY = ("Je bericht was erg lang; ik heb de eerste {limit} tekens gelezen. "
                   "Een paar zinnen is voor mij genoeg.")
FAILURE_REPLY = ("Sorry, er ging aan mijn kant iets mis en ik kon je bericht niet goed afhandelen. "
                 "Probeer het zo nog eens; je antwoorden tot nu toe ben je niet kwijt.")


@dataclass(frozen=True)
class GuardedText:
    text: str
    truncated_from: int | None = None  # original length when we cut it
    was_command: bool = False  # a slash command we turned into plain text

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def guard(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> GuardedText:
    """Make any incoming value safe to hand to Rasa as a user message."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = clean_text(text)
    stripped = text.strip()
    if stripped.startswith("/"):
        if is_known_payload(stripped):
            return GuardedText(stripped)
        text = _LEADING_SLASHES.sub("", stripped)
        return _capped(text, max_chars, was_command=True)
    return _capped(text, max_chars)


def clean_text(text: str) -> str:
    """`text` as it can be stored and shown: a lone surrogate becomes U+FFFD, control characters go."""
    return _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text))


def is_storable(text: str) -> bool:
    """True when `text` needs no cleaning (for ids and labels, which are refused rather than changed)."""
    return not (_SURROGATES.search(text) or _CONTROLS.search(text))


def is_known_payload(text: str) -> bool:
    """True only for a payload our own buttons send, with valid values."""
    if text[1:] in PLAIN_PAYLOAD_INTENTS:
        return True
    match = _INFORM.match(text)
    if not match:
        return False
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return False
    if not isinstance(data, dict) or len(data) != 1:
        return False
    ((dimension, value),) = data.items()
    return dimension in DIMENSIONS and load_distinctions().knows(dimension, value)


def _capped(text: str, max_chars: int, was_command: bool = False) -> GuardedText:
    if len(text) <= max_chars:
        return GuardedText(text, was_command=was_command)
    return GuardedText(text[:max_chars], truncated_from=len(text), was_command=was_command)
