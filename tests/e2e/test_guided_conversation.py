"""Dutch conversations over REST against the real Rasa and action servers."""

from __future__ import annotations

import pytest

from bot.channels.conversation_ids import rest_conversation_id
from tests.support.conversation import asked_dimension, button_for, is_recommendation, run_persona, texts
from tests.support.personas import PERSONAS


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_persona_gets_the_advice_the_sources_lead_to(rasa, sender, say, persona):
    advice, turns = run_persona(say, persona)

    slots = rasa.slots(rest_conversation_id(sender))
    assert slots["recommendation"] == persona.expected
    if persona.expected_variant:
        assert slots["guidance_variant"] == persona.expected_variant
    text = texts(advice)
    assert "Waarom:" in text and "Tweede keus:" in text and "Bronnen:" in text
    titles = [b["title"] for r in advice for b in r.get("buttons") or []]
    assert {"Meer uitleg", "Opnieuw beginnen", "Praat met een mentor"} <= set(titles)
    assert turns <= 5


def test_opening_message_that_states_an_answer_is_not_asked_again(rasa, sender, say):
    replies = say("ik wil in een groep leren presenteren")
    assert rasa.slots(rest_conversation_id(sender))["setting"] == "group"
    assert asked_dimension(replies) not in (None, "setting")


def test_faq_in_the_middle_is_answered_and_the_question_comes_back(rasa, sender, say):
    first = say("ik wil beter leren presenteren")
    question = asked_dimension(first)
    assert question

    replies = say("wat is het verschil tussen coaching en mentoring?")

    assert "Bron" in texts(replies)
    assert asked_dimension(replies) == question


def test_dont_know_moves_on_without_looping(rasa, sender, say):
    first = say("geen idee wat ik nodig heb")
    question = asked_dimension(first)
    replies = say("weet ik niet")
    assert question in rasa.slots(rest_conversation_id(sender))["skipped_questions"]
    assert asked_dimension(replies) != question
    # "Weet ik niet" to everything ends the questions with an honest answer, not a guess.
    asked = {question, asked_dimension(replies)}
    for _ in range(5):
        if asked_dimension(replies) is None:
            break
        replies = say("weet ik niet")
        assert asked_dimension(replies) not in asked
        asked.add(asked_dimension(replies))
    assert "nog geen onderbouwd advies" in texts(replies)
    assert rasa.slots(rest_conversation_id(sender))["recommendation"] is None


def test_correction_after_the_advice_changes_it(rasa, sender, say):
    replies = say("ik wil beter leren presenteren")
    answers = dict(setting="individual", goal="problem", guide_role="questioner", horizon="medium", scope="work")
    while not is_recommendation(replies):
        dimension = asked_dimension(replies)
        replies = say(button_for(replies, dimension, answers[dimension]))
    assert rasa.slots(rest_conversation_id(sender))["recommendation"] == "coaching"

    say("nee, toch liever in een groep")
    say("ik wil eigenlijk gewoon een vaardigheid leren van een expert")

    slots = rasa.slots(rest_conversation_id(sender))
    assert slots["setting"] == "group"
    assert slots["recommendation"] == "training"


def test_distress_gets_referral_and_no_recommendation(rasa, sender, say):
    replies = say("ik zie het echt niet meer zitten, ik wil er niet meer zijn")
    text = texts(replies)
    assert "113" in text and "0800-0113" in text and "1813" in text and "huisarts" in text
    assert "therapie" in text
    assert "Mijn advies" not in text
    assert rasa.slots(rest_conversation_id(sender))["recommendation"] is None


def test_distress_in_the_middle_of_the_questions_stops_them(rasa, sender, say):
    say("ik wil beter leren presenteren")
    replies = say("eigenlijk gaat het helemaal niet goed met me, ik zie het niet meer zitten")
    assert "113" in texts(replies)
    assert asked_dimension(replies) is None
    tracker = rasa.tracker(rest_conversation_id(sender))
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["recommendation"] is None


def test_hr_manager_gets_programme_advice(rasa, sender, say):
    replies = say("ik ben HR-manager en wil een mentoringprogramma opzetten voor onze medewerkers")
    text = texts(replies).lower()
    for topic in ("doelen", "verwachtingen", "feedback", "voortgang"):
        assert topic in text
    slots = rasa.slots(rest_conversation_id(sender))
    assert slots["recommendation"] == "mentoring"
    assert slots["guidance_variant"] == "program"


def test_restart_forgets_everything(rasa, sender, say):
    say("ik wil in een groep leren presenteren")
    replies = say("opnieuw beginnen")
    assert "opnieuw" in texts(replies).lower()
    slots = rasa.slots(rest_conversation_id(sender))
    assert slots["setting"] is None and slots["need"] is None


def test_more_explanation_after_the_advice(rasa, sender, say):
    persona = PERSONAS[0]
    run_persona(say, persona)
    replies = say("/ask_more")
    assert "Wat is training?" in texts(replies)

