"""Hand the lead to the lead service once the lead form is done, or say why not."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.lead_form import LEAD_SLOTS
from actions.lead_service.client import LeadErased, LeadRejected, LeadServiceClient, ServiceUnavailable
from actions.lead_service.outbox import LeadOutbox
from actions.lead_service.settings import get_settings
from actions.lead_summary import conversation_topics, current_advice, known_answers
from bot.lead import texts
from bot.lead.payload import LeadDraft

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def lead_outbox() -> LeadOutbox:
    """One outbox (and database engine) per action server process."""
    settings = get_settings()
    return LeadOutbox(settings.lead_outbox_url, settings.lead_outbox_retry_seconds,
                      settings.lead_outbox_max_backoff_seconds)


class ActionSubmitLead(Action):
    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in LEAD_SLOTS]
        if tracker.get_slot("lead_reference"):
            dispatcher.utter_message(text=texts.ALREADY_STORED.format(reference=tracker.get_slot("lead_reference")))
            return clear
        if tracker.get_slot("lead_queued"):
            dispatcher.utter_message(text=texts.ALREADY_QUEUED)
            return clear
        if not self._ready(tracker):
            no_consent = False in (tracker.get_slot("lead_consent_store"), tracker.get_slot("lead_consent_contact"))
            dispatcher.utter_message(text=texts.NO_CONSENT if no_consent else texts.DECLINED)
            return clear
        return clear + await self._hand_over(dispatcher, tracker)

    @staticmethod
    def _ready(tracker: Tracker) -> bool:
        return all(tracker.get_slot(slot) is True
                   for slot in ("lead_consent_store", "lead_consent_contact", "lead_confirmed"))

    async def _hand_over(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        settings = get_settings()
        draft = _draft(tracker)
        payload = draft.payload(settings.transcript_base_url)
        try:
            stored = await asyncio.to_thread(LeadServiceClient(settings).hand_over, payload)
        except ServiceUnavailable as error:
            # Kept on disk and sent by the outbox worker; the service stores it once, however often it arrives.
            await asyncio.to_thread(lead_outbox().add_lead, draft.conversation_id, payload)
            log.warning("lead for conversation %s queued in the outbox (%s)", draft.conversation_id, error)
            dispatcher.utter_message(text=texts.QUEUED)
            return [SlotSet("lead_queued", True)]
        except (LeadRejected, LeadErased):
            dispatcher.utter_message(text=texts.REJECTED)
            return []
        dispatcher.utter_message(text=texts.stored(draft.first_name, stored.reference, draft.email, draft.phone,
                                                   draft.preferred_moment, tracker.get_slot("need")))
        return [SlotSet("lead_reference", stored.reference)]


def _draft(tracker: Tracker) -> LeadDraft:
    consent_at = tracker.get_slot("lead_consent_at")
    return LeadDraft(
        conversation_id=tracker.sender_id,
        first_name=tracker.get_slot("lead_first_name"),
        email=tracker.get_slot("lead_email"),
        phone=tracker.get_slot("lead_phone"),
        preferred_moment=tracker.get_slot("lead_moment"),
        consent_at=datetime.fromisoformat(consent_at) if consent_at else datetime.now(UTC),
        need=tracker.get_slot("need"),
        advice=current_advice(tracker),
        answers=texts.readable_answers(known_answers(tracker)),
        topics=conversation_topics(tracker),
    )
