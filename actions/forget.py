""""Vergeet mij": after a yes, erase this person's lead and conversation."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.handoff import lead_outbox
from actions.lead_service.client import LeadRejected, LeadServiceClient, ServiceUnavailable
from actions.lead_service.settings import get_settings
from actions.tracker_answers import latest_intent
from bot.lead import texts
from bot.lead.replies import yes_or_no

log = logging.getLogger(__name__)


class ValidateForgetForm(FormValidationAction):
    def name(self) -> str:
        return "validate_forget_form"

    def validate_forget_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        # Only a clear yes erases; anything else keeps everything as it is.
        return {"forget_confirmed": yes_or_no(value, latest_intent(tracker)) is True}


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("forget_confirmed") is not True:
            dispatcher.utter_message(text=texts.FORGET_CANCELLED)
            return [SlotSet("forget_confirmed", None)]
        conversation_id = tracker.sender_id
        # The erase covers what was given up to now, even when it reaches the service much later:
        # a hand-off the visitor makes after this is theirs to keep (bot/service/erasure.py).
        asked_at = datetime.now(UTC)
        box = lead_outbox()
        # A hand-off still waiting in the outbox is dropped here, before it can reach anyone.
        await asyncio.to_thread(box.drop_lead, conversation_id)
        try:
            await asyncio.to_thread(LeadServiceClient(get_settings()).erase_conversation, conversation_id, asked_at)
        except (ServiceUnavailable, LeadRejected) as error:
            await asyncio.to_thread(box.add_erase, conversation_id, asked_at)
            log.warning("erase of conversation %s queued in the outbox (%s)", conversation_id, error)
            dispatcher.utter_message(text=texts.FORGET_QUEUED)
        else:
            dispatcher.utter_message(text=texts.FORGOTTEN)
        # Forget in this session too; the stored conversation itself is erased by the lead service.
        return [AllSlotsReset(), Restarted()]

