"""What a mentor learns about the conversation: the advice and the topics the visitor mentioned."""

from __future__ import annotations

import threading

from rasa_sdk import Tracker

from actions.tracker_answers import answers_from
from bot.nlp.topics import extract_topics
from bot.recommender import DIMENSIONS, Recommendation, load_distinctions, recommend

HANDOFF_START = "action_start_handoff"

# Building the Dutch pipeline takes about a second: do it while the action server starts,
# not while the first visitor waits for their summary.
threading.Thread(target=extract_topics, args=(["opwarmen"],), name="spacy-warm-up", daemon=True).start()


def conversation_topics(tracker: Tracker) -> list[str]:
    """Topics from what the visitor wrote before asking for a mentor; never from their contact details."""
    return extract_topics(_texts_before_handoff(tracker))


def _texts_before_handoff(tracker: Tracker) -> list[str]:
    events = tracker.events
    starts = [i for i, event in enumerate(events)
              if event.get("event") == "action" and event.get("name") == HANDOFF_START]
    until = starts[-1] if starts else len(events)
    return [event.get("text") or "" for event in events[:until]
            if event.get("event") == "user" and not (event.get("text") or "").startswith("/")]


def current_advice(tracker: Tracker) -> Recommendation | None:
    """The advice the visitor saw, if any: recomputed from the same answers."""
    if not tracker.get_slot("recommendation"):
        return None
    advice = recommend(answers_from(tracker))
    return advice if advice.informed else None


def advice_label(tracker: Tracker) -> str | None:
    advice = current_advice(tracker)
    if advice is None:
        return None
    distinctions = load_distinctions()
    label = distinctions.forms[advice.form].label
    if advice.variant:
        label += f", {distinctions.variants[advice.variant].label}"
    return label


def known_answers(tracker: Tracker) -> dict[str, str]:
    answers = answers_from(tracker)
    return {dimension: answers.value(dimension) for dimension in DIMENSIONS if answers.value(dimension)}
