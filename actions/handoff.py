"""A visitor asks for a human mentor.

The warm hand-off (contact details, consent, the lead service) is its own
piece of work; until it lands we say honestly that it is coming and how to
reach a person meanwhile, without pretending anything was passed on.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

NOT_YET = (
    "Binnenkort kun je hier direct een gesprek met een mentor aanvragen. Dat kan nu nog niet: "
    "ik heb dus niets doorgegeven en niets van je bewaard. Wil je intussen verder met mijn advies? "
    "Typ gerust je vraag."
)


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=NOT_YET)
        return []
