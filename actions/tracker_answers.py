"""Read the recommender's input from a Rasa tracker."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.recommender import Answers, load_distinctions

# Intents whose entities or words are never an answer to a guided question:
# a FAQ about "training in een groep" must not set setting=group.
NOT_AN_ANSWER = frozenset(
    {"ask_difference", "out_of_scope", "other_language", "need_distress", "bot_challenge", "nlu_fallback"}
)


def answers_from(tracker: Tracker) -> Answers:
    return Answers.from_slots(tracker.slots)


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def is_known_value(dimension: str, value: object) -> bool:
    """Only values the recommender knows count as an answer."""
    return load_distinctions().knows(dimension, value)
