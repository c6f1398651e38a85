"""The message guard: what may reach Rasa as a user message."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.program import ActionAdviseProgram
from actions.recommendation import NEXT_STEPS
from bot.message_guard import DEFAULT_MAX_CHARS, guard
from tests.unit.datafiles import domain_buttons, load_domain


def _program_payloads() -> list[str]:
    """The buttons under the programme advice, as the action sends them."""
    dispatcher = CollectingDispatcher()
    tracker = Tracker("t", {}, {}, [], False, None, {}, "action_listen")
    asyncio.run(ActionAdviseProgram().run(dispatcher, tracker, {}))
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def _all_payloads() -> list[str]:
    payloads = [b["payload"] for b in domain_buttons(load_domain())]
    payloads += [b["payload"] for b in NEXT_STEPS]
    payloads += _program_payloads()
    return sorted(set(payloads))


PAYLOADS = _all_payloads()


def test_there_are_payloads_to_check():
    assert len(PAYLOADS) >= 15
    assert {"/ask_more", "/restart", "/request_human", "/dont_know"} <= set(PAYLOADS)
    assert _program_payloads(), "the programme advice offers buttons"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_our_own_button_payloads_pass_unchanged(payload):
    result = guard(payload)
    assert result.text == payload
    assert not result.was_command
    assert result.truncated_from is None


@pytest.mark.parametrize("text", [
    '/inform{"setting":"<script>"}',
    '/inform{"need":"skill"}',
    '/restart{"a":1}',
    "/nlu_fallback",
    '//inform{"setting":"group"}',
    '//inform{"setting":"<script>"}',
    '/inform{"goal":"skill","setting":"group"}',
    '/inform{"setting":["group"]}',
    '/inform{"setting":1}',
    "/inform{not json}",
    "/inform",
    "/greet",
    "/need_skill",
    "/session_start",
    "/action_restart",
    '  /inform{"setting":"<b>x</b>"}  ',
])
def test_other_slash_commands_become_plain_text(text):
    result = guard(text)
    assert not result.text.startswith("/")
    assert not result.text.lstrip().startswith("/")
    assert result.was_command
    # The words are kept, so NLU can still try to understand them.
    assert result.text.strip() and result.text.strip() in text


@pytest.mark.parametrize("text", ['/ /inform{"setting":"<script>"}', "/ /restart{}", '/\t/inform{"need":"x"}'])
def test_slash_space_slash_does_not_sneak_a_command_through(text):
    assert not guard(text).text.startswith("/")


def test_long_message_is_capped_and_reports_its_length():
    text = "ik wil leren presenteren " * 200  # 5000 characters
    result = guard(text)
    assert len(result.text) == DEFAULT_MAX_CHARS
    assert result.truncated_from == len(text)
    assert text.startswith(result.text)


def test_cap_is_configurable_and_exact():
    assert guard("x" * 10, max_chars=10).truncated_from is None
    assert guard("x" * 10, max_chars=10).text == "x" * 10
    result = guard("x" * 11, max_chars=10)
    assert (result.text, result.truncated_from) == ("x" * 10, 11)


def test_long_slash_command_is_capped_too():
    text = "/" + "a" * 5000
    result = guard(text, max_chars=100)
    assert not result.text.startswith("/")
    assert len(result.text) == 100
    assert result.truncated_from == 5000


def test_short_message_is_untouched():
    result = guard("Ik wil beter leren presenteren.")
    assert result.text == "Ik wil beter leren presenteren."
    assert result.truncated_from is None and not result.was_command and not result.is_empty


@pytest.mark.parametrize("value", ["", "   ", "\n\t ", None, "\x00", " \x00 "])
def test_empty_input_is_empty(value):
    result = guard(value)
    assert result.is_empty
    assert result.text.strip() == ""
    assert result.truncated_from is None


@pytest.mark.parametrize(("value", "expected"), [(123, "123"), (4.5, "4.5"), (True, "True")])
def test_non_string_input_becomes_text(value, expected):
    result = guard(value)
    assert isinstance(result.text, str)
    assert result.text == expected


def test_non_string_objects_do_not_crash():
    for value in ({"text": "hoi"}, ["hoi"], b"hoi", object()):
        assert isinstance(guard(value).text, str)


def test_nul_bytes_are_removed():
    assert guard("he\x00llo\x00").text == "hello"
    assert "\x00" not in guard("/inf\x00orm{}").text
    # A NUL cannot hide a payload either: after removal it is our own button again.
    assert guard("/res\x00tart").text == "/restart"


def test_slash_alone_is_empty():
    assert guard("/").is_empty
    assert guard("///").is_empty
