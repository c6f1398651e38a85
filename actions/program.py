"""An organisation wants a mentoring programme: the advice the sources give."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.recommender.programme import programme_advice


class ActionAdviseProgram(Action):
    def name(self) -> str:
        return "action_advise_program"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=programme_advice(),
            buttons=[{"title": "Praat met een mentor", "payload": "/request_human"},
                     {"title": "Opnieuw beginnen", "payload": "/restart"}],
        )
        return [SlotSet("recommendation", "mentoring"), SlotSet("guidance_variant", "program")]
