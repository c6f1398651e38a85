"""Ask what was meant when Rasa could not place a message, and re-ask a guided question with an example.

Thin adapters over bot/clarifying_question.py. The clarifying question is asked once: when the
reply to it is not understood either, the visitor gets the request to say it in other words.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.clarifying_question import answer_again, clarifying_question

CLARIFY_ACTION = "action_clarify_need"
LISTEN = "action_listen"


def _previous_action(tracker: Tracker) -> str | None:
    """The assistant's last action before the visitor's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != LISTEN:
            return event.get("name")
    return None


class ActionClarifyNeed(Action):
    def name(self) -> str:
        return CLARIFY_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        question = clarifying_question(tracker.latest_message.get("intent_ranking") or [])
        if question is None or _previous_action(tracker) == CLARIFY_ACTION:
            dispatcher.utter_message(response="utter_fallback")
        else:
            dispatcher.utter_message(text=question.text, buttons=question.buttons)
        return []


class ActionReaskQuestion(Action):
    """Before the guidance form asks its open question again: what went wrong, and an example answer.

    The staff screens count this action as a message not understood (bot/service/conversations/digest.py)."""

    def name(self) -> str:
        return "action_reask_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=answer_again(tracker.get_slot("requested_slot")))
        return []
