"""When the assistant is unsure what someone meant, it asks instead of saying "begreep ik niet".

Plain Python: the Rasa action (actions/clarify.py) hands in the intent ranking of the message
Rasa could not place (below the FallbackClassifier's threshold, or the top two too close) and
gets back the question with the two or three likeliest needs as buttons, plus "Iets anders".
Inside the guided questions, an answer that could not be read gets an example answer instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.needs import CHOICES

MAX_CHOICES = 3
# Below this DIET did not really consider the need: offering it would be a guess, not a reading.
MIN_CONFIDENCE = 0.05
SOMETHING_ELSE = "Iets anders"

QUESTION = "Ik weet niet zeker of ik je goed begrijp. Bedoel je een van deze?"


@dataclass(frozen=True)
class Question:
    text: str
    buttons: list[dict[str, str]]


def likely_needs(ranking: Iterable[Mapping[str, Any]]) -> list[str]:
    """The needs the classifier hesitated between, likeliest first."""
    found: list[str] = []
    for entry in ranking:
        name, confidence = entry.get("name"), entry.get("confidence")
        if name in CHOICES and name not in found and isinstance(confidence, int | float) \
                and confidence >= MIN_CONFIDENCE:
            found.append(name)
    return found[:MAX_CHOICES]


def clarifying_question(ranking: Iterable[Mapping[str, Any]]) -> Question | None:
    """The question with buttons, or None when no need is likely enough to offer (then: rephrase)."""
    needs = likely_needs(ranking)
    if not needs:
        return None
    # The payload is the title itself, read by the NLU like typed words (data/nlu/choices.yml has
    # each title): a slash command for an intent would let anyone skip the NLU (bot/message_guard.py).
    buttons = [{"title": CHOICES[need], "payload": CHOICES[need]} for need in needs]
    buttons.append({"title": SOMETHING_ELSE, "payload": SOMETHING_ELSE})
    return Question(QUESTION, buttons)


# An answer to each guided question as a visitor might type it; the free-text parser reads each
# of these (tests/unit/test_clarifying_question.py), so the example is also a way through.
EXAMPLE_ANSWERS = {
    "goal": "ik wil vooral een vaardigheid leren",
    "horizon": "een paar maanden",
    "setting": "liever in een groepje",
    "guide_role": "iemand die goede vragen stelt",
    "scope": "vooral voor mijn werk",
}


def answer_again(requested_slot: str | None) -> str:
    """What the assistant says before asking a guided question again whose answer it could not read."""
    example = EXAMPLE_ANSWERS.get(requested_slot or "")
    if example is None:
        return "Dat kon ik niet goed plaatsen. Kies gerust een van de knoppen of zeg \"weet ik niet\"."
    return (f"Dat kon ik niet goed plaatsen. Kies een van de knoppen, of antwoord in je eigen woorden, "
            f"bijvoorbeeld: \"{example}\". \"Weet ik niet\" mag ook.")
