"""Answer a question about the forms of guidance, or say honestly that we do not know that.

The ResponseSelector always picks its nearest answer; for a question we have no answer for
("hoe laat is het?" phrased as a question about coaching) that nearest answer is unrelated.
Below FAQ_MIN_CONFIDENCE the visitor hears that we do not know, and that a mentor can tell them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

RETRIEVAL_INTENT = "ask_difference"
# Chosen on the ResponseSelector's cross-validated confidences (docs/nlu.md).
FAQ_MIN_CONFIDENCE = 0.5


def selected_answer(latest_message: dict[str, Any]) -> str | None:
    """The response the selector chose ("utter_ask_difference/cost"), or None when it is not sure."""
    selector = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    response = selector.get("response") or {}
    key, confidence = response.get("utter_action"), response.get("confidence")
    if not isinstance(key, str) or not isinstance(confidence, int | float) or confidence < FAQ_MIN_CONFIDENCE:
        return None
    return key


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        answer = selected_answer(tracker.latest_message)
        dispatcher.utter_message(response=answer or "utter_faq_unknown")
        return []
