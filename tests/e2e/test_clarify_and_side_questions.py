"""Ask when unsure; answer a side question in the middle of the guided questions, then go back."""

from __future__ import annotations

from tests.support.conversation import asked_dimension, texts


def test_a_message_the_assistant_is_unsure_of_is_answered_with_a_choice(say):
    # Words no need owns: the classifier hesitates, the assistant asks instead of giving up.
    replies = say("iets met mensen en groei of zo")
    titles = [b["title"] for r in replies for b in r.get("buttons") or []]
    if asked_dimension(replies) is None:
        assert "Bedoel je" in texts(replies) and titles[-1] == "Iets anders" and 2 <= len(titles) <= 4
        replies = say(next(b["payload"] for r in replies for b in r.get("buttons") or []))
        assert asked_dimension(replies) is not None, "a chosen reading opens the guided questions"


def test_iets_anders_asks_to_say_it_in_other_words(say):
    assert "andere woorden" in texts(say("/none_of_these"))


def test_a_side_question_mid_form_is_answered_then_the_open_question_comes_back(say):
    first = say("ik wil beter leren presenteren")
    open_question = asked_dimension(first)
    assert open_question is not None

    replies = say("wat kost dat eigenlijk?")
    assert "kennismaking" in texts(replies) and "prijzen" in texts(replies)
    assert asked_dimension(replies) == open_question


def test_an_answer_not_understood_mid_form_gets_an_example_and_the_question_again(say):
    open_question = asked_dimension(say("ik wil beter leren presenteren"))
    replies = say("pfff tja moeilijk hoor")
    assert "bijvoorbeeld" in texts(replies)
    assert asked_dimension(replies) == open_question
