"""When the action server is down, nothing pretends to have worked.

Stock Rasa drops a failed action's events and carries on; a following
response could then confirm something that never happened. Our advice is
sent from inside the action, and the channel tells the user honestly.
Stopped cleanly (SIGTERM) or killed (SIGKILL) in the middle of the guided
questions: the answers given so far live in the tracker store and are kept.
"""

from __future__ import annotations

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import asked_dimension, button_for, is_recommendation, texts
from tests.support.tracker_events import stored_events, turns

LEADER = dict(goal="growth", guide_role="experienced", horizon="long", scope="work", setting="individual")


def test_failed_advice_is_never_confirmed_and_works_again_afterwards(rasa, actions, sender, say):
    answers = dict(goal="skill", guide_role="expert", horizon="short", scope="work", setting="group")
    question = say("ik wil beter leren presenteren")
    actions.stop()
    try:
        replies = say(button_for(question, asked_dimension(question), answers[asked_dimension(question)]))
        assert not is_recommendation(replies)
        assert FAILURE_REPLY in texts(replies)
        assert rasa.slots(rest_conversation_id(sender))["recommendation"] is None
    finally:
        actions.start()

    # Back up: the visitor simply answers again and gets the advice.
    replies = say(button_for(question, asked_dimension(question), answers[asked_dimension(question)]))
    for _ in range(6):
        if is_recommendation(replies):
            break
        dimension = asked_dimension(replies)
        replies = say(button_for(replies, dimension, answers[dimension]))
    assert is_recommendation(replies)
    assert rasa.slots(rest_conversation_id(sender))["recommendation"] == "training"


def test_killed_mid_form_the_visitor_is_told_and_the_answers_are_kept(stack, rasa, actions, sender, say):
    replies = say("ik ben net leidinggevende over mijn oud-collega's")
    first = asked_dimension(replies)
    assert first, "the guided questions should have started"
    replies = say(button_for(replies, first, LEADER[first]))
    second = asked_dimension(replies)
    assert second and second != first
    assert rasa.slots(rest_conversation_id(sender))[first] == LEADER[first]

    actions.kill()  # SIGKILL: no shutdown, connections just drop
    try:
        answer = button_for(replies, second, LEADER[second])
        during = say(answer)
        assert texts(during) == FAILURE_REPLY  # the apology alone: no next question, no advice
        tracker = rasa.tracker(rest_conversation_id(sender))
        assert tracker["slots"][first] == LEADER[first]  # the answer given before the crash
        assert tracker["slots"]["recommendation"] is None
        assert (tracker["active_loop"] or {}).get("name") == "guidance_form"  # the questions are still open
    finally:
        actions.start()

    # In the tracker store: the failed turn is the visitor's message with nothing said after it.
    conversation = rest_conversation_id(sender)
    events = stored_events(stack.service.database, [conversation])[conversation]
    assert turns(events)[-1] == (answer, [])
    assert not any("Mijn advies" in (event.text or "") for event in events if event.type_name == "bot")
    assert {"event": "slot", "name": first, "value": LEADER[first]} in [
        {key: event.data.get(key) for key in ("event", "name", "value")} for event in events
    ]

    # Back up: the visitor tries again, as the apology suggests, and goes on from where they were.
    replies = say(answer)
    asked = {first, second}
    for _ in range(5):
        if is_recommendation(replies):
            break
        dimension = asked_dimension(replies)
        assert dimension not in asked, f"{dimension} was asked again after the crash"
        asked.add(dimension)
        replies = say(button_for(replies, dimension, LEADER[dimension]))
    assert is_recommendation(replies)
    slots = rasa.slots(rest_conversation_id(sender))
    assert (slots[first], slots[second]) == (LEADER[first], LEADER[second])
    assert (slots["recommendation"], slots["guidance_variant"]) == ("mentoring", "leadership")
