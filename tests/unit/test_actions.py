"""The Rasa SDK actions with a real CollectingDispatcher and Tracker, domain from domain.yml."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance_form import ValidateGuidanceForm
from actions.program import ActionAdviseProgram
from actions.recommendation import ActionExplainMore, ActionRecommendGuidance
from actions.safety import ActionResetRecommendation
from actions.slot_extraction import ExtractDimensionSlots
from tests.unit.datafiles import load_domain

DOMAIN = load_domain()
DIMS = ["goal", "horizon", "setting", "guide_role", "scope"]


def make_tracker(slots: dict[str, Any] | None = None, *, intent: str | None = "inform", text: str = "",
                 entities: list[dict] | None = None, requested_slot: str | None = None,
                 active_loop: dict | None = None) -> Tracker:
    all_slots: dict[str, Any] = dict.fromkeys(DOMAIN["slots"])
    all_slots["requested_slot"] = requested_slot
    all_slots.update(slots or {})
    return Tracker.from_dict({
        "sender_id": "unit-test",
        "slots": all_slots,
        "latest_message": {"intent": {"name": intent, "confidence": 1.0} if intent else {},
                           "entities": entities or [], "text": text},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": active_loop or {},
        "latest_action_name": "action_listen",
    })


def run(action, tracker: Tracker) -> tuple[list[dict], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def required(tracker: Tracker) -> list[str]:
    form = ValidateGuidanceForm()
    return asyncio.run(form.required_slots(form.domain_slots(DOMAIN), CollectingDispatcher(), tracker, DOMAIN))


def test_action_names_are_declared_in_the_domain():
    names = {ValidateGuidanceForm().name(), ActionRecommendGuidance().name(), ActionExplainMore().name(),
             ActionAdviseProgram().name(), ActionResetRecommendation().name(), ExtractDimensionSlots().name()}
    assert names <= set(DOMAIN["actions"])
    assert ValidateGuidanceForm().form_name() in DOMAIN["forms"]


# --- the guidance form ---------------------------------------------------------------


@pytest.mark.parametrize("slots", [
    {},
    {"need": "skill"},
    {"need": "skill", "setting": "group"},
    # coaching (0,2,.5) + problem (0,3,1) = (0,5,1.5): experienced + long could still make it mentoring
    {"need": "coaching", "goal": "problem"},
    # leadership (.5,1.5,2) + individual (0,2,2) = (.5,3.5,4): coaching and mentoring neck and neck
    {"need": "leadership", "setting": "individual"},
    {"need": "unsure", "goal": "growth"},
    {"setting": "group", "skipped_questions": ["goal"]},
])
def test_required_slots_are_the_answers_plus_one_open_question(slots):
    tracker = make_tracker(slots)
    result = required(tracker)
    answered = {d for d in DIMS if slots.get(d)}
    assert set(result[:-1]) == answered
    open_questions = [s for s in result if tracker.get_slot(s) is None]
    assert len(open_questions) == 1
    assert result[-1] == open_questions[0]
    assert result[-1] in DIMS
    assert result[-1] not in (slots.get("skipped_questions") or [])


@pytest.mark.parametrize("slots", [
    # skill (2,.5,0) + goal skill (3,1,0) + group (3,0,0) + expert (3,0,1) + short (2,1,0) = (13,2.5,1);
    # scope adds at most 2 to any other form: nothing left to ask.
    {"need": "skill", "goal": "skill", "setting": "group", "guide_role": "expert", "horizon": "short"},
    # reverse mentoring with every question answered
    {"need": "reverse", "goal": "growth", "setting": "individual", "guide_role": "experienced",
     "horizon": "long", "scope": "work"},
    # everything "weet ik niet"
    {"need": "unsure", "skipped_questions": list(DIMS)},
])
def test_no_open_question_when_settled_and_the_form_ends(slots):
    tracker = make_tracker(slots, intent="inform", requested_slot=None,
                           active_loop={"name": "guidance_form"})
    result = required(tracker)
    assert all(tracker.get_slot(s) is not None for s in result)
    events, _ = run(ValidateGuidanceForm(), make_tracker(slots, intent="inform",
                                                         active_loop={"name": "guidance_form"}))
    # Either the SDK ends the form itself (requested_slot None) or leaves it to Rasa
    # with every required slot filled: in both cases nothing is asked.
    assert slot_events(events).get("requested_slot") is None


@pytest.mark.parametrize("value", ["klasje", "<script>"])
def test_form_keeps_asking_when_a_slot_holds_an_unknown_value(value):
    # need=skill alone (2,.5,0) is far from settled; the unknown setting tells nothing.
    tracker = make_tracker({"need": "skill", "setting": value}, intent="inform", text="in een " + value,
                           active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    assert slot_events(events).get("requested_slot") in DIMS


def test_dont_know_skips_the_requested_question_and_asks_another():
    tracker = make_tracker({"need": "skill"}, intent="dont_know", text="weet ik niet",
                           requested_slot="setting", active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    slots = slot_events(events)
    assert slots["skipped_questions"] == ["setting"]
    assert slots["requested_slot"] in DIMS
    assert slots["requested_slot"] != "setting"


def test_dont_know_twice_does_not_duplicate_the_skip():
    tracker = make_tracker({"need": "skill", "skipped_questions": ["setting"]}, intent="dont_know",
                           requested_slot="setting", active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    assert "skipped_questions" not in slot_events(events)
    assert slot_events(events)["requested_slot"] != "setting"


def test_dont_know_outside_a_dimension_skips_nothing():
    tracker = make_tracker({"need": "skill"}, intent="dont_know", requested_slot=None,
                           active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    assert "skipped_questions" not in slot_events(events)


def test_other_intent_does_not_skip_the_question():
    tracker = make_tracker({"need": "skill"}, intent="inform", text="hmm", requested_slot="setting",
                           active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    assert "skipped_questions" not in slot_events(events)
    assert slot_events(events)["requested_slot"] == "setting"


@pytest.mark.parametrize("need", [None, "unsure", "skill", "coaching", "career", "leadership", "reverse"])
def test_weet_ik_niet_to_every_question_ends_the_form_without_looping(need):
    slots: dict[str, Any] = {"need": need}
    tracker = make_tracker(slots, intent="inform", active_loop={"name": "guidance_form"})
    events, _ = run(ValidateGuidanceForm(), tracker)
    asked = []
    requested = slot_events(events).get("requested_slot")
    while requested is not None:
        assert requested not in asked, f"asked {requested} twice"
        asked.append(requested)
        assert len(asked) <= len(DIMS)
        tracker = make_tracker(slots, intent="dont_know", text="weet ik niet", requested_slot=requested,
                               active_loop={"name": "guidance_form"})
        events, _ = run(ValidateGuidanceForm(), tracker)
        slots.update({k: v for k, v in slot_events(events).items() if k != "requested_slot"})
        requested = slot_events(events).get("requested_slot")
    assert set(slots.get("skipped_questions") or []) == set(asked)


# --- the advice -----------------------------------------------------------------------


def _slot_values(name: str) -> set:
    return set(DOMAIN["slots"][name]["values"])


@pytest.mark.parametrize(("slots", "form", "variant"), [
    # coaching (0,2,.5) + individual (0,2,2) + questioner (0,3,1) + medium (0,2,1) = (0,9,4.5)
    ({"need": "coaching", "setting": "individual", "guide_role": "questioner", "horizon": "medium"},
     "coaching", None),
    # leadership (.5,1.5,2) + individual (0,2,2) + experienced (0,0,3) = (.5,3.5,7)
    ({"need": "leadership", "setting": "individual", "guide_role": "experienced"}, "mentoring", "leadership"),
    # skill (2,.5,0) + group (3,0,0) + expert (3,0,1) = (8,.5,1)
    ({"need": "skill", "setting": "group", "guide_role": "expert"}, "training", None),
])
def test_recommend_sets_the_slots_and_offers_three_next_steps(slots, form, variant):
    events, dispatcher = run(ActionRecommendGuidance(), make_tracker(slots))
    set_slots = slot_events(events)
    assert set_slots == {"recommendation": form, "guidance_variant": variant}
    assert form in _slot_values("recommendation")
    assert variant is None or variant in _slot_values("guidance_variant")
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["text"].startswith(f"Mijn advies: {form}")
    assert "Bronnen:" in message["text"] and "Tweede keus:" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert sorted(payloads) == ["/ask_more", "/request_human", "/restart"]
    assert all(b["title"].strip() for b in message["buttons"])


def test_recommend_ignores_a_forged_slot_value():
    events, dispatcher = run(ActionRecommendGuidance(),
                             make_tracker({"need": "skill", "setting": "<script>", "guide_role": "expert"}))
    assert "<script>" not in dispatcher.messages[0]["text"]
    assert slot_events(events)["recommendation"] == "training"


def test_explain_more_without_advice_says_there_is_none_yet():
    events, dispatcher = run(ActionExplainMore(), make_tracker({"need": "skill"}))
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_no_recommendation_yet"]
    assert "utter_no_recommendation_yet" in DOMAIN["responses"]


def test_explain_more_with_advice_explains_the_form():
    slots = {"need": "leadership", "setting": "individual", "guide_role": "experienced",
             "recommendation": "mentoring", "guidance_variant": "leadership"}
    events, dispatcher = run(ActionExplainMore(), make_tracker(slots))
    assert events == []
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert "mentoring" in text.lower()
    assert "leidinggevenden" in text  # the leadership variant
    payloads = {b["payload"] for b in dispatcher.messages[0]["buttons"]}
    assert "/ask_more" not in payloads and payloads


def test_advise_program_sets_mentoring_program_and_covers_the_four_topics():
    events, dispatcher = run(ActionAdviseProgram(), make_tracker({"need": "program"}))
    assert slot_events(events) == {"recommendation": "mentoring", "guidance_variant": "program"}
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"].lower()
    assert "doelen" in text
    assert "verwachtingen" in text
    assert "communicatie" in text or "feedback" in text
    assert "opvolging" in text or "monitor" in text
    assert "bron" in text


def test_reset_clears_the_advice():
    slots = {"recommendation": "mentoring", "guidance_variant": "career"}
    events, dispatcher = run(ActionResetRecommendation(), make_tracker(slots, intent="need_distress"))
    assert slot_events(events) == {"recommendation": None, "guidance_variant": None}
    assert dispatcher.messages == []
    assert all(e["event"] == "slot" for e in events)
    assert events == [SlotSet("recommendation", None), SlotSet("guidance_variant", None)]


# --- filling dimensions from free text -------------------------------------------------------


def extract(text: str, intent: str | None = "inform", entities: list[dict] | None = None,
            slots: dict | None = None) -> dict[str, Any]:
    events, _ = run(ExtractDimensionSlots(), make_tracker(slots, intent=intent, text=text, entities=entities))
    return slot_events(events)


def test_free_text_fills_setting():
    assert extract("1-op-1 graag") == {"setting": "individual"}


def test_free_text_fills_several_dimensions():
    assert extract("een paar maanden, in een groep", intent="need_skill") == {
        "horizon": "medium", "setting": "group"}


@pytest.mark.parametrize("intent", ["ask_difference", "out_of_scope", "need_distress", "nlu_fallback"])
def test_questions_and_off_topic_messages_fill_nothing(intent):
    assert extract("1-op-1 graag", intent=intent) == {}
    assert extract("wat is het verschil tussen training in een groep en coaching?", intent=intent) == {}


def extract_in_form(text: str, asked: str, intent: str = "inform") -> dict[str, Any]:
    tracker = make_tracker(intent=intent, text=text, requested_slot=asked, active_loop={"name": "guidance_form"})
    events, _ = run(ExtractDimensionSlots(), tracker)
    return slot_events(events)


@pytest.mark.parametrize(("text", "asked", "expected"), [
    ("in een groepje", "setting", {"setting": "group"}),
    ("liefst in een groepje", "setting", {"setting": "group"}),
    ("samen", "setting", {"setting": "group"}),
    ("iemand die het vak kent en het voordoet", "guide_role", {"guide_role": "expert"}),
    ("een coach", "guide_role", {"guide_role": "questioner"}),
])
def test_free_text_answers_the_question_asked_in_the_form(text, asked, expected):
    assert extract_in_form(text, asked) == expected
    # Whatever need the classifier heard in it, it is still the answer.
    assert extract_in_form(text, asked, intent="need_skill") == expected


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope"])
def test_an_unplaced_message_in_the_form_still_answers_the_question_asked(intent):
    assert extract_in_form("liefst in een groepje", "setting", intent=intent) == {"setting": "group"}
    # ... but only that question: no guess at another one.
    assert extract_in_form("liefst in een groepje", "horizon", intent=intent) == {}
    assert extract_in_form("hoe laat is het?", "setting", intent=intent) == {}


@pytest.mark.parametrize("intent", ["ask_difference", "need_distress", "bot_challenge"])
def test_a_question_in_the_form_is_never_an_answer(intent):
    assert extract_in_form("is coaching ook in een groepje?", "setting", intent=intent) == {}


def test_short_answers_need_the_guidance_form():
    assert extract("samen") == {}
    tracker = make_tracker(intent="inform", text="samen", requested_slot="lead_contact",
                           active_loop={"name": "lead_form"})
    assert slot_events(run(ExtractDimensionSlots(), tracker)[0]) == {}


def test_nlu_entity_is_not_overridden():
    entities = [{"entity": "setting", "value": "group", "start": 0, "end": 5}]
    found = extract("1-op-1 graag, een paar maanden", entities=entities)
    assert "setting" not in found
    assert found == {"horizon": "medium"}


def test_button_payload_text_is_not_parsed_again():
    assert extract('/inform{"setting":"group"}') == {}


def test_correction_overrides_an_earlier_answer():
    assert extract("nee, toch liever in een groep", slots={"setting": "individual"}) == {"setting": "group"}


def test_new_advice_after_a_correction_says_the_answer_was_taken_into_account():
    slots = {"need": "skill", "setting": "group", "guide_role": "expert", "recommendation": "coaching"}
    events, dispatcher = run(ActionRecommendGuidance(), make_tracker(slots))
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Ik heb je aangepaste antwoord meegenomen.")
    assert "Mijn advies: training" in text
    assert slot_events(events)["recommendation"] == "training"


def test_first_advice_has_no_correction_note():
    _, dispatcher = run(ActionRecommendGuidance(), make_tracker({"need": "skill", "setting": "group"}))
    assert "aangepaste" not in dispatcher.messages[0]["text"]
