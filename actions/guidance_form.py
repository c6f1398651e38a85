"""`validate_guidance_form`: ask only what the recommender still needs."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.tracker_answers import answers_from, is_known_value, latest_intent
from bot.recommender import DIMENSIONS, next_question

SKIPPED_SLOT = "skipped_questions"


class ValidateGuidanceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_guidance_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        events = self._clear_unknown_values(tracker) + self._skip_on_dont_know(tracker)
        tracker.add_slots(events)
        return events + await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """The answered questions plus the one that best separates the leaders.

        The SDK requests the first slot in this list that is still empty; when
        the recommender says the choice is made, nothing is empty and the form
        ends. Skipped questions ("weet ik niet") are never in the list.
        """
        answers = answers_from(tracker)
        answered = [d for d in DIMENSIONS if answers.value(d) is not None]
        question = next_question(answers)
        return answered + ([question] if question else [])

    @staticmethod
    def _clear_unknown_values(tracker: Tracker) -> list[dict[str, Any]]:
        """A value the recommender cannot use is no answer: the question must still be asked."""
        return [SlotSet(dimension, None) for dimension in DIMENSIONS
                if tracker.get_slot(dimension) is not None
                and not is_known_value(dimension, tracker.get_slot(dimension))]

    @staticmethod
    def _skip_on_dont_know(tracker: Tracker) -> list[dict[str, Any]]:
        """"Weet ik niet" answers the question that was asked: never ask it again."""
        requested = tracker.get_slot("requested_slot")
        if latest_intent(tracker) != "dont_know" or requested not in DIMENSIONS:
            return []
        skipped = list(tracker.get_slot(SKIPPED_SLOT) or [])
        if requested in skipped:
            return []
        return [SlotSet(SKIPPED_SLOT, [*skipped, requested])]
