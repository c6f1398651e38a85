"""`validate_lead_form` and the questions with dynamic text: the hand-off to a mentor.

The form asks first name, contact, moment, two separate consents and a final
confirmation. Any reply can be "liever niet": the form then ends and
`action_submit_lead` stores nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.lead_service.settings import get_settings
from actions.lead_summary import advice_label, conversation_topics
from actions.tracker_answers import latest_intent
from bot.lead import texts
from bot.lead.contact import parse_contact
from bot.lead.names import parse_first_name
from bot.lead.replies import is_decline, yes_or_no

LEAD_QUESTIONS = ["lead_first_name", "lead_contact", "lead_moment", "lead_consent_store", "lead_consent_contact",
                  "lead_confirmed"]
# Everything the form fills; cleared when it starts again, is declined, or after the hand-off.
LEAD_SLOTS = [*LEAD_QUESTIONS, "lead_email", "lead_phone", "lead_consent_at", "lead_declined"]
YES_NO_BUTTONS = [{"title": "Ja, dat is goed", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
CONFIRM_BUTTONS = [
    {"title": "Ja, verstuur maar", "payload": "/affirm"},
    {"title": "Iets aanpassen", "payload": "aanpassen"},
    {"title": "Toch liever niet", "payload": "liever niet"},
]
DECLINED = {"lead_declined": True}


# Given for the e-mail address and phone number in lead_email and lead_phone at the time.
CONSENT_SLOTS = ("lead_consent_store", "lead_consent_contact", "lead_consent_at")


def handed_over(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("lead_reference") or tracker.get_slot("lead_queued"))


def consent_covers(tracker: Tracker, email: str | None, phone: str | None) -> bool:
    """Do the consents given so far (if any) cover this address and number? Fewer channels is fine:
    storing or using less than agreed needs no new yes; a new address or number does."""
    if tracker.get_slot("lead_consent_store") is None and tracker.get_slot("lead_consent_contact") is None:
        return True  # not asked yet: they will be, for these details
    return email in (None, tracker.get_slot("lead_email")) and phone in (None, tracker.get_slot("lead_phone"))


def asked_again(tracker: Tracker) -> bool:
    """Was the summary shown in this hand-off already? Then a consent question now is one asked again."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_start_handoff":
            return False
        # The form asks through its own action: what it asked shows in `requested_slot`.
        if event.get("event") == "slot" and event.get("name") == "requested_slot" \
                and event.get("value") == "lead_confirmed":
            return True
    return False


class ValidateLeadForm(FormValidationAction):
    def name(self) -> str:
        return "validate_lead_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        # Nothing to ask once they said "liever niet", or when this conversation already handed over.
        if tracker.get_slot("lead_declined") or handed_over(tracker):
            return []
        return LEAD_QUESTIONS

    def validate_lead_first_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        if is_decline(value):
            return {"lead_first_name": None, **DECLINED}
        name = parse_first_name(value)
        if name is None:
            dispatcher.utter_message(text=texts.ASK_NAME_AGAIN)
        return {"lead_first_name": name}

    def validate_lead_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        if is_decline(value):
            return {"lead_contact": None, **DECLINED}
        contact = parse_contact(str(value or ""))
        if not contact.found:
            dispatcher.utter_message(text=texts.ASK_CONTACT_AGAIN[contact.problem or "missing"])
            return {"lead_contact": None}
        # The slot keeps what we understood, not what was typed around it.
        understood = " / ".join(part for part in (contact.email, contact.phone) if part)
        result = {"lead_contact": understood, "lead_email": contact.email, "lead_phone": contact.phone}
        if not consent_covers(tracker, contact.email, contact.phone):
            # Consent was given for other details ("Iets aanpassen"): ask both again, for these.
            result.update(dict.fromkeys(CONSENT_SLOTS))
        return result

    def validate_lead_moment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        if is_decline(value):
            return {"lead_moment": None, **DECLINED}
        moment = " ".join(str(value or "").split())
        if latest_intent(tracker) == "dont_know" or not moment:
            moment = "maakt niet uit"
        if len(moment) > texts.MAX_MOMENT_CHARS:
            dispatcher.utter_message(text=texts.ASK_MOMENT_AGAIN)
            return {"lead_moment": None}
        return {"lead_moment": moment}

    def validate_lead_consent_store(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        return self._consent("lead_consent_store", value, dispatcher, tracker)

    def validate_lead_consent_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        result = self._consent("lead_consent_contact", value, dispatcher, tracker)
        if result.get("lead_consent_contact"):
            # The moment both consents are given: stored with the lead.
            result["lead_consent_at"] = datetime.now(UTC).isoformat()
        return result

    def validate_lead_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        if value is None:  # emptied by action_start_handoff: nothing to check
            return {}
        if is_decline(value):
            return {"lead_confirmed": None, **DECLINED}
        answer = yes_or_no(value, latest_intent(tracker))
        if answer is None:
            dispatcher.utter_message(text=texts.ASK_YES_NO_AGAIN)
            return {"lead_confirmed": None}
        if not answer:
            # "Iets aanpassen": ask name, contact and moment again. The consents stand as long as the
            # address and number stay those they were given for: lead_email and lead_phone keep them
            # until the new contact details come in (validate_lead_contact compares).
            dispatcher.utter_message(text=texts.STARTING_AGAIN)
            return {slot: None for slot in ("lead_first_name", "lead_contact", "lead_moment", "lead_confirmed")}
        return {"lead_confirmed": True}

    @staticmethod
    def _consent(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        answer = yes_or_no(value, latest_intent(tracker))
        if answer is None:
            dispatcher.utter_message(text=texts.ASK_YES_NO_AGAIN)
            return {slot: None}
        if not answer:
            # No consent is a clear answer, not a reason to ask again.
            return {slot: False, **DECLINED}
        return {slot: True}


class ActionAskLeadConsentStore(Action):
    def name(self) -> str:
        return "action_ask_lead_consent_store"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        text = texts.ask_consent_store(tracker.get_slot("lead_email"), tracker.get_slot("lead_phone"),
                                       get_settings().retention_days, tracker.get_slot("need"))
        if asked_again(tracker):
            text = texts.CONSENT_AGAIN + "\n\n" + text
        dispatcher.utter_message(text=text, buttons=YES_NO_BUTTONS)
        return []


class ActionAskLeadConsentContact(Action):
    def name(self) -> str:
        return "action_ask_lead_consent_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        text = texts.ask_consent_contact(tracker.get_slot("lead_email"), tracker.get_slot("lead_phone"),
                                         tracker.get_slot("need"))
        dispatcher.utter_message(text=text, buttons=YES_NO_BUTTONS)
        return []


class ActionAskLeadConfirmed(Action):
    def name(self) -> str:
        return "action_ask_lead_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        text = texts.summary(
            tracker.get_slot("lead_first_name"), tracker.get_slot("lead_email"), tracker.get_slot("lead_phone"),
            tracker.get_slot("lead_moment"), tracker.get_slot("need"), advice_label(tracker),
            conversation_topics(tracker),
        )
        dispatcher.utter_message(text=text, buttons=CONFIRM_BUTTONS)
        return []


class ActionStartHandoff(Action):
    """Say what will happen, and start from empty answers (a half-finished earlier try does not count)."""

    def name(self) -> str:
        return "action_start_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if not handed_over(tracker):
            dispatcher.utter_message(text=texts.intro(tracker.get_slot("need")))
        return [SlotSet(slot, None) for slot in LEAD_SLOTS if tracker.get_slot(slot) is not None]
