"""Mark the conversation as a mentor candidate's: their hand-off reaches the mentor team as such.

Outside the guided questions the `need` slot is filled from the intent by the domain; inside them
the slot mapping stays quiet (an answer must not change the need), so the rule that ends the
questions for a future mentor calls this.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.needs import CANDIDATE_SLOT_VALUE


class ActionMarkMentorCandidate(Action):
    def name(self) -> str:
        return "action_mark_mentor_candidate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet("need", CANDIDATE_SLOT_VALUE), SlotSet("recommendation", None),
                SlotSet("guidance_variant", None)]
