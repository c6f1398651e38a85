"""Reading Telegram updates and building what we send back, without Rasa or a network."""

from __future__ import annotations

import pytest

from bot.channels.telegram_updates import (
    MAX_CALLBACK_BYTES,
    Kind,
    callback_data_for,
    inline_keyboard,
    is_start_payload,
    parse_command,
    parse_update,
    payload_for_callback,
    split_text,
)
from tests.support.telegram_api import (
    callback_update,
    edited_message_update,
    sticker_update,
    text_update,
    update,
)
from tests.unit.datafiles import domain_buttons, load_domain

CHAT = 123456789


def test_a_text_message_gives_chat_text_language_and_first_name():
    parsed = parse_update(text_update(CHAT, "ik wil beter leren presenteren", first_name="Anna", language="nl"))
    assert parsed.kind == Kind.TEXT
    assert (parsed.chat_id, parsed.text, parsed.language, parsed.first_name) == (
        CHAT, "ik wil beter leren presenteren", "nl", "Anna")
    assert parsed.is_private and isinstance(parsed.update_id, int)


def test_a_button_tap_gives_its_data_the_callback_id_and_the_tapped_message():
    bot_message = {"message_id": 42, "chat": {"id": CHAT, "type": "private"}, "date": 1, "text": "Vraag?"}
    parsed = parse_update(callback_update(CHAT, bot_message, "/dont_know"))
    assert parsed.kind == Kind.CALLBACK
    assert parsed.data == "/dont_know" and parsed.callback_id and parsed.message_id == 42
    assert parsed.chat_id == CHAT and parsed.first_name == "Anna"


def test_a_tap_on_an_inline_mode_message_has_no_chat_but_is_still_a_callback_to_answer():
    body = update(callback_query={"id": "99", "from": {"id": 1, "is_bot": False, "first_name": "A"},
                                  "inline_message_id": "AAA", "chat_instance": "1", "data": "x"})
    parsed = parse_update(body)
    assert parsed.kind == Kind.CALLBACK and parsed.callback_id == "99" and parsed.chat_id is None


def test_stickers_are_not_text_and_edits_are_ignored():
    assert parse_update(sticker_update(CHAT)).kind == Kind.NOT_TEXT
    assert parse_update(edited_message_update(CHAT, "toch anders")).kind == Kind.IGNORED


@pytest.mark.parametrize("body", [
    {},
    {"update_id": 5},
    {"update_id": 6, "channel_post": {"message_id": 1, "chat": {"id": -100, "type": "channel"}, "text": "x"}},
    {"update_id": 7, "my_chat_member": {"chat": {"id": CHAT}}},
    {"update_id": "8", "message": "not an object"},
    {"update_id": 9, "message": {"text": "no chat"}},
    {"update_id": 10, "message": {"chat": {"id": "123"}, "text": "chat id as text"}},
    {"update_id": 11, "callback_query": {"data": "no id"}},
    {"update_id": True, "message": {"chat": {"id": True}, "text": "booleans are not ids"}},
])
def test_anything_else_is_ignored_without_raising(body):
    assert parse_update(body).kind == Kind.IGNORED


@pytest.mark.parametrize(("text", "expected"), [
    ("/start", ("start", "")),
    ("/start abcDEF_12-3", ("start", "abcDEF_12-3")),
    ("/start@mentorwijzer_bot", ("start", "")),
    ("/OPNIEUW", ("opnieuw", "")),
    ("  /opnieuw  ", ("opnieuw", "")),
    ("hallo", None),
    ('/inform{"goal":"skill"}', None),
    ("/", None),
])
def test_commands(text, expected):
    assert parse_command(text) == expected


def test_start_payloads_are_what_telegram_allows_in_a_deep_link():
    assert is_start_payload("Ab-_09" * 10)
    assert not is_start_payload("x" * 65)
    assert not is_start_payload("abc def") and not is_start_payload("abc/def") and not is_start_payload("")


# --- buttons --------------------------------------------------------------------------------


def test_every_button_of_ours_fits_in_callback_data_as_itself():
    payloads = {b["payload"] for b in domain_buttons(load_domain())}
    assert payloads
    for payload in payloads:
        assert callback_data_for(payload) == payload


def test_a_long_payload_becomes_a_short_hash_that_resolves_back():
    long_payload = "Ik kies voor een combinatie van coaching en een training in een groep, liever 's avonds"
    data = callback_data_for(long_payload)
    assert data.startswith("h:") and len(data.encode()) <= MAX_CALLBACK_BYTES
    buttons = [{"title": "Iets anders", "payload": "/dont_know"}, {"title": "Lang", "payload": long_payload}]
    assert payload_for_callback(data, buttons) == long_payload
    assert payload_for_callback("h:AAAAAAAAAAAAAAAA", buttons) is None


def test_multibyte_payloads_are_measured_in_bytes():
    payload = "één" * 15  # 45 characters, 75 bytes
    assert callback_data_for(payload).startswith("h:")


def test_plain_callback_data_is_the_payload():
    assert payload_for_callback("doordeweeks 's avonds", []) == "doordeweeks 's avonds"


def test_the_inline_keyboard_has_one_button_per_row():
    buttons = [{"title": "Een vaardigheid leren", "payload": '/inform{"goal":"skill"}'},
               {"title": "Weet ik niet", "payload": "/dont_know"}]
    assert inline_keyboard(buttons) == {"inline_keyboard": [
        [{"text": "Een vaardigheid leren", "callback_data": '/inform{"goal":"skill"}'}],
        [{"text": "Weet ik niet", "callback_data": "/dont_know"}],
    ]}


# --- texts ----------------------------------------------------------------------------------


def test_short_texts_are_one_message():
    assert split_text("Mijn advies: coaching.\n\nWaarom: ...") == ["Mijn advies: coaching.\n\nWaarom: ..."]
    assert split_text("   ") == []


def test_long_texts_are_split_on_paragraphs_within_the_limit():
    paragraphs = [f"Alinea {n}. " + "woord " * 150 for n in range(12)]
    parts = split_text("\n\n".join(paragraphs), limit=1000)
    assert all(len(part) <= 1000 for part in parts)
    assert len(parts) > 1
    assert "\n\n".join(parts).split() == "\n\n".join(paragraphs).split(), "nothing lost"
    assert all(part.startswith("Alinea") for part in parts), "cut between paragraphs"


def test_one_huge_paragraph_is_cut_between_words_and_without_spaces_at_the_limit():
    assert all(len(p) <= 100 for p in split_text("woord " * 100, limit=100))
    assert split_text("x" * 250, limit=100) == ["x" * 100, "x" * 100, "x" * 50]
