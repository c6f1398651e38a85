"""When the action server is down, nothing pretends to have worked.

Stock Rasa drops a failed action's events and carries on; a following
response could then confirm something that never happened. Our advice is
sent from inside the action, and the channel tells the user honestly.
"""

from __future__ import annotations

from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import asked_dimension, button_for, is_recommendation, texts


def test_failed_advice_is_never_confirmed_and_works_again_afterwards(rasa, actions, sender, say):
    answers = dict(goal="skill", guide_role="expert", horizon="short", scope="work", setting="group")
    question = say("ik wil beter leren presenteren")
    actions.stop()
    try:
        replies = say(button_for(question, asked_dimension(question), answers[asked_dimension(question)]))
        assert not is_recommendation(replies)
        assert FAILURE_REPLY in texts(replies)
        assert rasa.slots(sender)["recommendation"] is None
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
    assert rasa.slots(sender)["recommendation"] == "training"
