"""Ask when unsure; answer a side question in the middle of the guided questions, then go back."""

from __future__ import annotations

from tests.support.conversation import asked_dimension, button, is_clarifying_question, texts

# Messages no need owns: the classifier hesitates between readings.
# Several, each from a new visitor: what counts is that a hesitation gets a question, not which line.
VAGUE = ["ik wil iets veranderen", "werk", "dinges", "ik wil verder"]


def a_clarifying_question(rasa, sender) -> tuple[list[dict], str]:
    for number, message in enumerate(VAGUE):
        visitor = f"{sender}-{number}"
        replies = rasa.send(visitor, message)
        assert texts(replies), f"silence after {message!r}"
        if is_clarifying_question(replies):
            return replies, visitor
    raise AssertionError("none of the vague messages got a clarifying question")


def test_a_message_the_assistant_is_unsure_of_is_answered_with_a_choice(rasa, sender):
    replies, visitor = a_clarifying_question(rasa, sender)
    titles = [b["title"] for r in replies for b in r.get("buttons") or []]
    assert "Bedoel je" in texts(replies) and titles[-1] == "Iets anders" and 2 <= len(titles) <= 4
    replies = rasa.send(visitor, next(b["payload"] for r in replies for b in r.get("buttons") or []))
    assert asked_dimension(replies) is not None, "a chosen reading opens the guided questions"


def test_iets_anders_invites_them_to_say_it_in_their_own_words(rasa, sender):
    replies, visitor = a_clarifying_question(rasa, sender)
    own_words = texts(rasa.send(visitor, button(replies, "Iets anders")))
    assert "eigen woorden" in own_words and "begreep ik niet" not in own_words


def test_a_side_question_mid_form_is_answered_then_the_open_question_comes_back(say):
    first = say("ik wil beter leren presenteren")
    open_question = asked_dimension(first)
    assert open_question is not None

    replies = say("wat kost dat eigenlijk?")
    assert "kennismaking" in texts(replies) and "prijzen" in texts(replies)
    assert asked_dimension(replies) == open_question


def test_an_answer_not_understood_mid_form_gets_an_example_and_the_question_again(say):
    open_question = asked_dimension(say("ik wil beter leren presenteren"))
    replies = say("zoals ik al zei")
    assert "bijvoorbeeld" in texts(replies)
    assert asked_dimension(replies) == open_question
