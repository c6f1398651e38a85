"""After a distress message nothing of an earlier advice may linger."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionResetRecommendation(Action):
    def name(self) -> str:
        return "action_reset_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet("recommendation", None), SlotSet("guidance_variant", None)]
