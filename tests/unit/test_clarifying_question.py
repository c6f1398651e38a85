"""Ask when unsure: the likeliest needs as buttons, an example answer in the guided questions,
and no FAQ answer the selector is not sure of."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarifyNeed, ActionReaskQuestion
from actions.faq import FAQ_MIN_CONFIDENCE, ActionAnswerFaq
from bot.clarifying_question import EXAMPLE_ANSWERS, SOMETHING_ELSE, answer_again, clarifying_question, likely_needs
from bot.needs import CHOICES
from bot.recommender.free_text import parse_answers
from tests.unit.datafiles import REPO_ROOT, load_domain

DOMAIN = load_domain()
HESITANT = [
    {"name": "nlu_fallback", "confidence": 0.45},
    {"name": "need_career", "confidence": 0.31},
    {"name": "greet", "confidence": 0.2},
    {"name": "need_unsure", "confidence": 0.28},
    {"name": "need_personal_growth", "confidence": 0.12},
    {"name": "need_coaching", "confidence": 0.06},
    {"name": "need_skill", "confidence": 0.01},
]


def tracker(latest: dict, events: list[dict] | None = None, slots: dict | None = None) -> Tracker:
    return Tracker.from_dict({"sender_id": "unit", "slots": slots or {}, "latest_message": latest,
                              "events": events or [], "paused": False, "followup_action": None,
                              "active_loop": {}, "latest_action_name": "action_listen"})


def run(action, current: Tracker) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, current, DOMAIN))
    return dispatcher


def test_the_likeliest_needs_are_offered_in_order_and_at_most_three():
    assert likely_needs(HESITANT) == ["need_career", "need_unsure", "need_personal_growth"]


def test_the_question_offers_plain_dutch_buttons_and_something_else():
    question = clarifying_question(HESITANT)
    titles = [button["title"] for button in question.buttons]
    assert titles == ["Verder komen in mijn loopbaan", "Ik weet nog niet wat bij me past",
                      "Groeien als mens, ook buiten mijn werk", "Iets anders"]
    # Words, not slash commands: the NLU reads them like typed text (the guard refuses "/need_x").
    assert [b["payload"] for b in question.buttons] == titles


def test_every_choice_title_is_a_training_example_of_its_intent():
    choices = yaml.safe_load((REPO_ROOT / "data" / "nlu" / "choices.yml").read_text(encoding="utf-8"))["nlu"]
    examples = {block["intent"]: [line[2:] for line in block["examples"].splitlines()] for block in choices}
    for intent, title in CHOICES.items():
        assert title in examples[intent], intent
    assert SOMETHING_ELSE in examples["none_of_these"]


def test_no_likely_need_gets_no_question():
    assert clarifying_question([{"name": "nlu_fallback", "confidence": 0.45}, {"name": "greet", "confidence": 0.4},
                                {"name": "need_skill", "confidence": 0.02}]) is None
    assert clarifying_question([]) is None


def test_the_action_asks_once_then_asks_to_rephrase():
    latest = {"text": "iets met mensen", "intent": {"name": "nlu_fallback"}, "intent_ranking": HESITANT}
    first = run(ActionClarifyNeed(), tracker(latest))
    assert first.messages[0]["text"].startswith("Ik weet niet zeker") and len(first.messages[0]["buttons"]) == 4

    asked_before = [{"event": "user", "text": "hmm"}, {"event": "action", "name": "action_clarify_need"},
                    {"event": "bot", "text": "Ik weet niet zeker..."}, {"event": "action", "name": "action_listen"},
                    {"event": "user", "text": "iets met mensen"}]
    second = run(ActionClarifyNeed(), tracker(latest, asked_before))
    assert second.messages[0]["response"] == "utter_fallback"


@pytest.mark.parametrize("slot", sorted(EXAMPLE_ANSWERS))
def test_every_example_answer_is_read_by_the_free_text_parser(slot):
    """The example is also a way through: typed as shown, it answers the question."""
    assert slot in parse_answers(EXAMPLE_ANSWERS[slot], asked=slot)


def test_every_guided_question_has_an_example():
    assert set(EXAMPLE_ANSWERS) == set(DOMAIN["forms"]["guidance_form"]["required_slots"])


def test_an_unread_answer_is_met_with_an_example():
    said = run(ActionReaskQuestion(), tracker({"text": "maakt me ni uit"}, slots={"requested_slot": "setting"}))
    assert said.messages[0]["text"] == answer_again("setting")
    assert EXAMPLE_ANSWERS["setting"] in said.messages[0]["text"]


def _faq(confidence: float, key: str = "utter_ask_difference/cost") -> dict:
    return {"text": "is het gratis?", "intent": {"name": "ask_difference"},
            "response_selector": {"ask_difference": {"response": {"utter_action": key, "confidence": confidence}}}}


def test_the_faq_answers_what_it_is_sure_of():
    said = run(ActionAnswerFaq(), tracker(_faq(0.93)))
    assert said.messages[0]["response"] == "utter_ask_difference/cost"


@pytest.mark.parametrize("latest", [_faq(FAQ_MIN_CONFIDENCE - 0.01), {"text": "x", "intent": {}},
                                    _faq(0.9, key=None)])
def test_the_faq_says_it_does_not_know_rather_than_answer_something_else(latest):
    said = run(ActionAnswerFaq(), tracker(latest))
    assert said.messages[0]["response"] == "utter_faq_unknown"


def test_every_faq_answer_exists_in_the_domain():
    responses = DOMAIN["responses"]
    for key in ("utter_faq_unknown", "utter_ask_difference/cost", "utter_ask_difference/online",
                "utter_ask_difference/group_forms", "utter_ask_difference/who_are_mentors"):
        assert responses[key][0]["text"], key
