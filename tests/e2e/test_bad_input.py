"""Bad input gets a polite Dutch answer, and the conversation goes on."""

from __future__ import annotations

import httpx
import pytest

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import EMPTY_REPLY
from tests.support.conversation import asked_dimension, texts

BAD_MESSAGES = {
    "empty": "",
    "spaces": "   ",
    "huge": "ik wil leren presenteren " + "bla " * 1300,
    "emoji": "🤔🤔🤔",
    "html": "<script>alert('x')</script>",
    "gibberish": "asdkjh qwpoeiru zxmcnv",
    "english": "Hello, I would like to find a coach for my career",
    "sql": "'; DROP TABLE events; --",
}


def looks_polite_and_dutch(text: str) -> bool:
    dutch = ("je", "ik", "kun", "gerust", "sorry", "vertel", "wat", "niet")
    return bool(text.strip()) and "Traceback" not in text and any(w in text.lower().split() for w in dutch)


@pytest.mark.parametrize("name", list(BAD_MESSAGES))
def test_bad_message_gets_polite_dutch_reply_and_conversation_continues(say, name):
    replies = say(BAD_MESSAGES[name])
    assert replies, "every message deserves a reply"
    assert looks_polite_and_dutch(texts(replies)), texts(replies)

    follow_up = say("ik wil beter leren presenteren")
    assert asked_dimension(follow_up) or "Mijn advies" in texts(follow_up)


def test_empty_message_gets_the_empty_reply(say):
    assert texts(say("")) == EMPTY_REPLY


def test_english_gets_a_dutch_and_english_note(say):
    text = texts(say("Hi there, can you help me find a mentor?"))
    assert "Nederlands" in text and "only speaks Dutch" in text


def test_huge_message_is_capped_and_said_so(rasa, sender, say):
    replies = say("ik wil leren presenteren. " + "x" * 5000)
    assert "erg lang" in texts(replies)
    user_texts = [e["text"] for e in rasa.tracker(rest_conversation_id(sender))["events"] if e["event"] == "user"]
    assert max(len(t) for t in user_texts) <= 2000


def test_typed_intent_with_slot_is_treated_as_text(rasa, sender, say):
    say('/inform{"setting":"<b>hacked</b>"}')
    say('/inform{"recommendation":"training"}')
    slots = rasa.slots(rest_conversation_id(sender))
    assert slots["setting"] is None
    assert slots["recommendation"] is None
    user_texts = [e["text"] for e in rasa.tracker(rest_conversation_id(sender))["events"] if e["event"] == "user"]
    assert all(not t.startswith("/") for t in user_texts)


@pytest.mark.parametrize("body", [
    {"message": "hallo"},
    {"sender": "", "message": "hallo"},
    {"sender": 42, "message": "hallo"},
    [{"sender": "x", "message": "hallo"}],
    {"sender": "x", "message": "hallo", "metadata": "nope"},
])
def test_malformed_requests_get_400_in_dutch(rasa, body):
    response = httpx.post(f"{rasa.url}/webhooks/rest/webhook", json=body, timeout=30)
    assert response.status_code == 400
    assert "sender" in response.text or "metadata" in response.text or "JSON" in response.text


def test_invalid_json_gets_400(rasa):
    response = httpx.post(f"{rasa.url}/webhooks/rest/webhook", content=b"{not json",
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400


def test_http_api_needs_the_token(rasa, sender, say):
    say("hallo")
    response = httpx.get(f"{rasa.url}/conversations/{rest_conversation_id(sender)}/tracker", timeout=30)
    assert response.status_code == 401
