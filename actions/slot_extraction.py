"""Fill the dimension slots from any message, also outside the form.

NLU entities come first (Rasa's from_entity mapping); when NLU found none for a
dimension, our Dutch free-text parser gets a go, so "1-op-1" or "paar maanden"
is understood instead of asked again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_answers import NOT_AN_ANSWER, is_known_value, latest_intent
from bot.recommender import DIMENSIONS
from bot.recommender.free_text import parse_answers


class ExtractDimensionSlots(ValidationAction):
    """`action_validate_slot_mappings`: Rasa runs it after every user message."""

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return list(DIMENSIONS)

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet(slot, value) for slot, value in parsed_answers(tracker).items()]

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[dict[str, Any]]:
        """Clear a dimension set to a value the recommender does not know.

        An entity DIET found but no synonym mapped ("klasje") would otherwise
        count as an answer and the question would never be asked.
        """
        changed = tracker.slots_to_validate()
        return [SlotSet(slot, value if is_known_value(slot, value) else None)
                for slot, value in changed.items() if slot in DIMENSIONS]


# Replies inside these forms are contact details and yes/no, never answers to the guided questions.
PRIVATE_FORMS = frozenset({"lead_form", "forget_form"})
GUIDANCE_FORM = "guidance_form"
# Intents the classifier gives a reply it could not place. Inside the guided questions such a
# reply still answers the question just asked when the parser reads that answer in it
# ("liefst in een groepje" at 0.3 confidence); a question about the forms never does.
UNPLACED = frozenset({"nlu_fallback", "out_of_scope"})


def parsed_answers(tracker: Tracker) -> dict[str, str]:
    """What the parser reads in the latest message, minus what NLU already found."""
    loop = (tracker.active_loop or {}).get("name")
    if loop in PRIVATE_FORMS:
        return {}
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):  # a button payload: its entities are already exact
        return {}
    asked = tracker.get_slot("requested_slot") if loop == GUIDANCE_FORM else None
    asked = asked if asked in DIMENSIONS else None
    found = parse_answers(text, asked=asked)
    intent = latest_intent(tracker)
    if intent in NOT_AN_ANSWER and not (intent in UNPLACED and asked in found):
        return {}
    from_nlu = {entity.get("entity") for entity in tracker.latest_message.get("entities") or []}
    return {dim: value for dim, value in found.items() if dim not in from_nlu}
