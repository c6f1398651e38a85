"""The hand-off form and its actions with a real CollectingDispatcher and Tracker (no servers)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forget import ActionForgetMe, ValidateForgetForm
from actions.handoff import ActionSubmitLead
from actions.lead_form import (
    LEAD_QUESTIONS,
    ActionAskLeadConfirmed,
    ActionAskLeadConsentContact,
    ActionAskLeadConsentStore,
    ActionStartHandoff,
    ValidateLeadForm,
)
from actions.lead_summary import conversation_topics
from bot.lead import texts
from bot.lead.payload import LeadDraft
from bot.lead.texts import CONSENT_TEXT_VERSION, readable_answers
from bot.recommender import Answers, recommend
from bot.service.schemas import LeadCreate
from tests.unit.test_actions import DOMAIN, make_tracker, run, slot_events


def validate(slot: str, reply: str, intent: str = "inform", **slots: Any) -> tuple[dict, list[str]]:
    """Run validate_lead_form as Rasa does after `reply` filled the requested slot."""
    tracker = make_tracker({**slots, slot: reply}, intent=intent, text=reply, requested_slot=slot,
                           active_loop={"name": "lead_form"})
    tracker.events = [{"event": "slot", "name": slot, "value": reply}]
    events, dispatcher = run(ValidateLeadForm(), tracker)
    return slot_events(events), [message["text"] for message in dispatcher.messages]


def test_every_action_is_declared_in_the_domain():
    names = {action().name() for action in (ValidateLeadForm, ActionAskLeadConsentStore, ActionAskLeadConsentContact,
                                            ActionAskLeadConfirmed, ActionStartHandoff, ActionSubmitLead,
                                            ValidateForgetForm, ActionForgetMe)}
    assert names <= set(DOMAIN["actions"])
    assert set(LEAD_QUESTIONS) <= set(DOMAIN["slots"])


def test_the_form_asks_name_contact_moment_both_consents_and_confirmation_in_that_order():
    assert DOMAIN["forms"]["lead_form"]["required_slots"] == LEAD_QUESTIONS


def test_a_name_is_kept_tidy():
    slots, messages = validate("lead_first_name", "ik heet anna")
    assert slots["lead_first_name"] == "Anna"
    assert messages == []


@pytest.mark.parametrize("reply", ["wat gebeurt er met mijn gegevens?", "/affirm", "<b>Anna</b>"])
def test_a_sentence_command_or_html_instead_of_a_name_is_asked_again_with_an_example(reply):
    slots, messages = validate("lead_first_name", reply)
    assert slots["lead_first_name"] is None
    assert messages == [texts.ASK_NAME_AGAIN] and "Sanne" in messages[0]


def test_a_wrong_email_is_asked_again_with_an_example():
    slots, messages = validate("lead_contact", "anna@voorbeeld", lead_first_name="Anna")
    assert slots["lead_contact"] is None
    assert "sanne@voorbeeld.nl" in messages[0]


def test_email_and_phone_together_are_both_kept():
    slots, _ = validate("lead_contact", "anna@voorbeeld.nl en 06 12345678", lead_first_name="Anna")
    assert (slots["lead_email"], slots["lead_phone"]) == ("anna@voorbeeld.nl", "+31612345678")


@pytest.mark.parametrize("slot", LEAD_QUESTIONS)
def test_liever_niet_at_any_question_ends_the_form(slot):
    slots, _ = validate(slot, "liever niet", lead_first_name="Anna")
    assert slots["lead_declined"] is True
    assert slots["requested_slot"] is None


@pytest.mark.parametrize("slot", ["lead_consent_store", "lead_consent_contact"])
def test_no_consent_ends_the_form_without_asking_again(slot):
    slots, messages = validate(slot, "/deny", intent="deny")
    assert slots[slot] is False
    assert slots["lead_declined"] is True
    assert messages == []


def test_an_unclear_consent_is_asked_again():
    slots, messages = validate("lead_consent_store", "hoezo?", intent="ask_difference")
    assert slots["lead_consent_store"] is None
    assert "ja of nee" in messages[0]


def test_consent_to_contact_records_when_it_was_given():
    slots, _ = validate("lead_consent_contact", "ja", intent="affirm")
    assert slots["lead_consent_contact"] is True
    given = datetime.fromisoformat(slots["lead_consent_at"])
    assert abs((datetime.now(UTC) - given).total_seconds()) < 60


CONSENTED = dict(lead_consent_store=True, lead_consent_contact=True, lead_consent_at="2026-12-04T10:00:00+00:00")


def test_aanpassen_at_the_summary_asks_the_details_again_and_remembers_what_consent_was_given_for():
    filled = dict(lead_first_name="Anna", lead_contact="anna@voorbeeld.nl", lead_email="anna@voorbeeld.nl",
                  lead_moment="maandag", **CONSENTED)
    slots, messages = validate("lead_confirmed", "aanpassen", **filled)
    assert slots["lead_first_name"] is None and slots["lead_contact"] is None and slots["lead_moment"] is None
    # Kept until the new details come in: the consents were given for this address.
    assert "lead_email" not in slots and "lead_consent_store" not in slots
    assert messages == ["Geen probleem, dan lopen we de gegevens nog even langs."]


def test_the_same_contact_details_again_keep_the_consents():
    slots, messages = validate("lead_contact", "Anna@Voorbeeld.nl", lead_email="anna@voorbeeld.nl",
                               lead_phone="+31612345678", **CONSENTED)
    assert slots["lead_email"] == "anna@voorbeeld.nl" and slots["lead_phone"] is None
    assert not {"lead_consent_store", "lead_consent_contact", "lead_consent_at"} & slots.keys()
    assert messages == []


@pytest.mark.parametrize(("before", "reply"), [
    ({"lead_phone": "+31612345678"}, "06 12345678 of anna@voorbeeld.nl"),  # agreed to be phoned, adds e-mail
    ({"lead_email": "anna@voorbeeld.nl"}, "anna@elders.nl"),  # another address
    ({"lead_email": "anna@voorbeeld.nl"}, "06 12345678"),  # a phone instead of e-mail
])
def test_new_contact_details_after_consent_empty_both_consents_so_they_are_asked_again(before, reply):
    slots, _ = validate("lead_contact", reply, **before, **CONSENTED)
    assert slots["lead_consent_store"] is None and slots["lead_consent_contact"] is None
    assert slots["lead_consent_at"] is None
    required = asyncio.run(ValidateLeadForm().required_slots(
        LEAD_QUESTIONS, CollectingDispatcher(), make_tracker({**before, **CONSENTED, **slots}), DOMAIN))
    assert {"lead_consent_store", "lead_consent_contact"} <= set(required)


def test_the_consent_asked_again_says_why_and_names_the_new_details():
    tracker = make_tracker({"lead_email": "anna@elders.nl", "lead_phone": "+31612345678"})
    tracker.events = [{"event": "action", "name": "action_start_handoff"},
                      {"event": "slot", "name": "requested_slot", "value": "lead_confirmed"},
                      {"event": "user", "text": "aanpassen"}]
    _, dispatcher = run(ActionAskLeadConsentStore(), tracker)
    again = dispatcher.messages[0]["text"]
    assert again.startswith("Je contactgegevens zijn veranderd")
    assert "anna@elders.nl" in again and "06 12345678" in again
    _, dispatcher = run(ActionAskLeadConsentContact(), tracker)
    assert "per e-mail of telefoon" in dispatcher.messages[0]["text"]

    tracker.events = [{"event": "action", "name": "action_start_handoff"}]  # the first time: no preamble
    _, dispatcher = run(ActionAskLeadConsentStore(), tracker)
    assert not dispatcher.messages[0]["text"].startswith("Je contactgegevens")


def test_the_consent_question_says_what_is_stored_why_and_for_how_long():
    tracker = make_tracker({"lead_email": "anna@voorbeeld.nl"})
    _, dispatcher = run(ActionAskLeadConsentStore(), tracker)
    text = dispatcher.messages[0]["text"]
    assert "anna@voorbeeld.nl" in text
    assert "365 dagen" in text
    assert "vergeet mij" in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_the_contact_consent_names_the_channel():
    _, dispatcher = run(ActionAskLeadConsentContact(), make_tracker({"lead_phone": "+31612345678"}))
    assert "telefonisch" in dispatcher.messages[0]["text"]


def test_the_summary_shows_the_details_advice_and_topics_but_not_the_contact_answers_as_topics():
    slots = {"need": "leadership", "goal": "growth", "setting": "individual", "guide_role": "experienced",
             "recommendation": "mentoring", "lead_first_name": "Anna", "lead_email": "anna@voorbeeld.nl",
             "lead_phone": "+31612345678", "lead_moment": "maandag"}
    tracker = make_tracker(slots)
    tracker.events = [
        {"event": "user", "text": "ik ben net teamleider en vind delegeren lastig"},
        {"event": "action", "name": "action_start_handoff"},
        {"event": "user", "text": "Anna"},
    ]
    _, dispatcher = run(ActionAskLeadConfirmed(), tracker)
    text = dispatcher.messages[0]["text"]
    for expected in ("Anna", "anna@voorbeeld.nl", "06 12345678", "maandag", "mentoring", "delegeren"):
        assert expected in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "aanpassen", "liever niet"]


def test_topics_come_only_from_before_the_hand_off():
    tracker = make_tracker()
    tracker.events = [
        {"event": "user", "text": "ik wil beter leren presenteren"},
        {"event": "user", "text": "/inform{\"setting\":\"group\"}"},
        {"event": "action", "name": "action_start_handoff"},
        {"event": "user", "text": "ik moet ook leren delegeren"},
    ]
    assert conversation_topics(tracker) == ["presenteren"]


def test_starting_the_hand_off_forgets_a_half_finished_earlier_try():
    events, dispatcher = run(ActionStartHandoff(), make_tracker({"lead_first_name": "Anna", "lead_declined": True}))
    assert slot_events(events)["lead_first_name"] is None
    assert slot_events(events)["lead_declined"] is None
    assert "liever niet" in dispatcher.messages[0]["text"]


def test_a_declined_hand_off_stores_nothing_and_says_so():
    events, dispatcher = run(ActionSubmitLead(), make_tracker({"lead_first_name": "Anna", "lead_declined": True}))
    assert "niets" in dispatcher.messages[0]["text"]
    assert slot_events(events)["lead_first_name"] is None
    assert "lead_reference" not in slot_events(events)


def test_a_second_request_after_the_hand_off_gives_the_reference_again():
    tracker = make_tracker({"lead_reference": "MW-7K3Q9"})
    required = asyncio.run(ValidateLeadForm().required_slots(LEAD_QUESTIONS, CollectingDispatcher(), tracker, DOMAIN))
    assert required == []
    _, dispatcher = run(ActionSubmitLead(), tracker)
    assert "MW-7K3Q9" in dispatcher.messages[0]["text"]


def test_forget_form_erases_only_after_a_clear_yes():
    form = ValidateForgetForm()
    assert form.validate_forget_confirmed("ja", CollectingDispatcher(), make_tracker(intent="affirm"), DOMAIN) == {
        "forget_confirmed": True}
    assert form.validate_forget_confirmed("huh", CollectingDispatcher(), make_tracker(intent="out_of_scope"),
                                          DOMAIN) == {"forget_confirmed": False}
    events, dispatcher = run(ActionForgetMe(), make_tracker({"forget_confirmed": False}))
    assert "niets gewist" in dispatcher.messages[0]["text"]
    assert all(event.get("event") == "slot" for event in events)


def test_the_lead_sent_to_the_service_passes_its_schema():
    advice = recommend(Answers(need="leadership", goal="growth", setting="individual", guide_role="experienced"))
    draft = LeadDraft(
        conversation_id="abc123", first_name="Anne-Marie", email="anna@voorbeeld.nl",
        phone="+31612345678", preferred_moment="maandag", consent_at=datetime.now(UTC), need="leadership",
        advice=advice, answers=readable_answers({"goal": "growth", "setting": "individual"}),
        topics=["delegeren"],
    )
    lead = LeadCreate.model_validate(draft.payload("http://localhost:8000"))
    assert lead.need == "need_leadership"
    assert lead.recommendation == "mentoring" and lead.guidance_variant == advice.variant
    assert lead.reasons and lead.answers["goal"].startswith("breder groeien")
    assert lead.first_name == "Anne-Marie"
    assert lead.consent_text_version == CONSENT_TEXT_VERSION
    assert (lead.consent_email, lead.consent_phone) == (True, True)
    # Where staff read leads; the service adds the lead's id. Nothing names the conversation.
    assert str(lead.transcript_url) == "http://localhost:8000/staff/leads"


def test_a_lead_without_advice_still_passes_the_schema_with_consent_for_its_one_channel():
    draft = LeadDraft(conversation_id="x", first_name="Sam", email=None, phone="+32470123456",
                      preferred_moment=None, consent_at=datetime.now(UTC))
    lead = LeadCreate.model_validate(draft.payload())
    assert lead.recommendation is None and lead.need is None and lead.transcript_url is None
    assert (lead.consent_email, lead.consent_phone) == (False, True)


@pytest.mark.parametrize("slot", LEAD_QUESTIONS)
def test_a_slot_emptied_at_the_start_is_not_answered_or_complained_about(slot):
    slots, messages = validate(slot, None)
    assert messages == []
    assert slots.get(slot) is None and "lead_declined" not in slots


def test_contact_details_and_moments_are_never_read_as_guided_answers():
    from actions.slot_extraction import parsed_answers

    tracker = make_tracker(intent="out_of_scope", text="in het weekend, een paar maanden lang",
                           active_loop={"name": "lead_form"})
    assert parsed_answers(tracker) == {}
    outside = make_tracker(intent="inform", text="een paar maanden")
    assert parsed_answers(outside) == {"horizon": "medium"}
