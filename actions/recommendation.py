"""Give the advice and, on request, explain it further."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_answers import answers_from
from bot.recommender import explain, explain_more, explain_without_basis, recommend

NEXT_STEPS = [
    {"title": "Meer uitleg", "payload": "/ask_more"},
    {"title": "Opnieuw beginnen", "payload": "/restart"},
    {"title": "Praat met een mentor", "payload": "/request_human"},
]


class ActionRecommendGuidance(Action):
    def name(self) -> str:
        return "action_recommend_guidance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        advice = recommend(answers_from(tracker))
        if not advice.informed:
            dispatcher.utter_message(text=explain_without_basis(), buttons=NEXT_STEPS[1:])
            return [SlotSet("recommendation", None), SlotSet("guidance_variant", None)]
        text = explain(advice)
        if tracker.get_slot("recommendation"):
            # A corrected answer after earlier advice: say that the advice was reconsidered.
            text = f"Ik heb je aangepaste antwoord meegenomen.\n\n{text}"
        dispatcher.utter_message(text=text, buttons=NEXT_STEPS)
        return [SlotSet("recommendation", advice.form), SlotSet("guidance_variant", advice.variant)]


class ActionExplainMore(Action):
    def name(self) -> str:
        return "action_explain_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if not tracker.get_slot("recommendation"):
            dispatcher.utter_message(response="utter_no_recommendation_yet")
            return []
        dispatcher.utter_message(text=explain_more(recommend(answers_from(tracker))), buttons=NEXT_STEPS[1:])
        return []
