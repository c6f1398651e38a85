"""The Rasa server restarts in the middle of a guided conversation: the visitor carries on where
they were, because answers and the open form live in the tracker store, not in the process."""

from __future__ import annotations

from bot.channels.conversation_ids import rest_conversation_id
from tests.support.conversation import asked_dimension, button_for, is_recommendation

ANSWERS = dict(goal="growth", guide_role="experienced", horizon="long", scope="work", setting="individual")


def test_a_restarted_rasa_continues_the_form_where_it_was(rasa, sender, say):
    replies = say("ik wil groeien in mijn loopbaan")
    first = asked_dimension(replies)
    assert first is not None, "the guided questions should have started"
    replies = say(button_for(replies, first, ANSWERS[first]))
    open_question = asked_dimension(replies)
    assert open_question is not None and open_question != first
    before = rasa.tracker(rest_conversation_id(sender))

    rasa.stop()
    rasa.start()  # same port, same database: a new process with nothing in memory

    after = rasa.tracker(rest_conversation_id(sender))
    assert after["slots"][first] == ANSWERS[first]  # the answer survived
    assert after["active_loop"] == before["active_loop"] and after["active_loop"].get("name") == "guidance_form"
    assert after["slots"]["requested_slot"] == open_question  # and so did the open question

    replies = say(button_for(replies, open_question, ANSWERS[open_question]))
    asked = {first, open_question}
    for _ in range(5):
        if is_recommendation(replies):
            break
        dimension = asked_dimension(replies)
        assert dimension not in asked, f"{dimension} was asked again after the restart"
        asked.add(dimension)
        replies = say(button_for(replies, dimension, ANSWERS[dimension]))
    assert is_recommendation(replies)
    assert rasa.slots(rest_conversation_id(sender))["recommendation"] == "mentoring"
