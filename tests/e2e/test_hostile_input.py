"""Values no client should send, through every channel into one running Rasa: each gets a clear
answer or is cleaned, nothing ends the process, and a normal conversation follows on the same Rasa.

The first probe is the one that stopped the whole stack: a lone surrogate in a REST sender made
Rasa's SQL tracker store raise a ValueError, which it answers by ending the application.
"""

from __future__ import annotations

import json
import subprocess
import uuid

import httpx

from bot.channels.conversation_ids import BAD_SENDER, rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import asked_dimension, texts
from tests.support.servers import ROOT, base_env
from tests.support.telegram_api import WEBHOOK_SECRET, TelegramChat, callback_update, message, text_update, update
from tests.support.widget_client import WidgetClient


def post_json(rasa, body: object) -> httpx.Response:
    # json.dumps escapes a lone surrogate as "\ud800", which is valid JSON: any client can send it.
    return httpx.post(f"{rasa.url}/webhooks/rest/webhook", content=json.dumps(body).encode(),
                      headers={"Content-Type": "application/json"}, timeout=60)


def user_events(rasa, conversation_id: str) -> list[dict]:
    return [event for event in rasa.tracker(conversation_id)["events"] if event["event"] == "user"]


def test_bad_rest_senders_and_metadata_get_a_dutch_400(rasa, sender) -> None:
    refused = {
        "lone surrogate (the probe)": {"sender": "x\ud800", "message": "hoi"},
        "control character": {"sender": "x\x00y", "message": "hoi"},
        "newline": {"sender": "anna\n", "message": "hoi"},
        "too long": {"sender": "a" * 129, "message": "hoi"},
        "not text": {"sender": ["a"], "message": "hoi"},
    }
    for case, body in refused.items():
        response = post_json(rasa, body)
        assert response.status_code == 400, case
        assert response.json() == {"error": BAD_SENDER}, case
    for case, metadata in {"surrogate value": {"k": "\ud800"}, "surrogate key": {"\udfff": 1},
                           "too big": {"k": "x" * 5000}, "a list": ["x"]}.items():
        response = post_json(rasa, {"sender": sender, "message": "hoi", "metadata": metadata})
        assert response.status_code == 400, case
        assert "'metadata' moet een klein JSON-object" in response.json()["error"], case
    assert rasa.process.poll() is None


def test_unstorable_characters_in_a_rest_message_are_cleaned_not_fatal(rasa, sender) -> None:
    response = post_json(rasa, {"sender": sender, "message": "hoi\ud800 ik wil\x00 beter\x1b[2J leren presenteren"})
    assert response.status_code == 200 and texts(response.json())
    assert FAILURE_REPLY not in texts(response.json())
    assert response.json()[0]["recipient_id"] == sender  # the client's own name, not the namespaced id
    stored = user_events(rasa, rest_conversation_id(sender))[-1]["text"]
    assert stored == "hoi\ufffd ik wil beter[2J leren presenteren"


def test_the_widget_takes_odd_session_ids_messages_and_languages_in_its_stride(rasa, service) -> None:
    widget = WidgetClient(rasa.url, origin=service.url).connect()
    try:
        widget.request_session("0" * 32 + ".\ud800")  # compare_digest used to raise on non-ASCII text
        conversation_id, _, signature = widget.session_id.partition(".")
        assert len(conversation_id) == 32 and signature, "a fresh session instead of an error"
        events = widget.say("hoi\ud800\x07", customData={"language": "nl\ud800"})
        assert [name for name, _ in events if name == "bot_uttered"], "answered"
        assert "bot_error" not in [name for name, _ in events], "and not with the apology"
        widget.texts({"\ud800": ["geen tekst"]})  # not even a string: read as text, still answered
    finally:
        widget.close()
    stored = user_events(rasa, conversation_id)
    assert stored[0]["text"] == "hoi\ufffd"
    assert "language" not in (stored[0].get("metadata") or {}), "an unreadable language tag is not kept"
    assert rasa.process.poll() is None


def test_forged_telegram_updates_are_cleaned_or_ignored(rasa, telegram_api) -> None:
    chat = TelegramChat(telegram_api, f"{rasa.url}/webhooks/telegram/webhook", WEBHOOK_SECRET)
    replies = chat.send(text_update(chat.chat_id, "hoi\ud800", first_name="\ud800\x00", language="nl\ud800"))
    assert texts(replies) and FAILURE_REPLY not in texts(replies), "answered"
    assert user_events(rasa, chat.sender)[0]["text"] == "hoi\ufffd"
    for chat_id in (10**30, "123", 1.5, True):
        ignored = chat.post(update(message={**message(123), "chat": {"id": chat_id, "type": "private"}}))
        assert ignored.status_code == 200  # acknowledged, so Telegram does not retry it; nothing stored
    bot_message = telegram_api.calls_of("sendMessage", chat.chat_id)[-1].result
    tapped = chat.send(callback_update(chat.chat_id, bot_message, "\ud800" * 10))
    assert texts(tapped), "a button that was never ours gets a word, not silence"
    assert rasa.process.poll() is None


def test_after_all_that_the_same_rasa_holds_a_normal_conversation(rasa, say) -> None:
    # Module order: the probes above ran first, on this same Rasa process.
    assert rasa.process.poll() is None
    assert asked_dimension(say("ik wil beter leren presenteren"))
    assert asked_dimension(say("weet ik niet")), "the next question, from the action server"


STORE_ERROR = r"""
import asyncio, sys
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.events import UserUttered
from bot.tracker_store import ServiceDatabaseTrackerStore

store = ServiceDatabaseTrackerStore(host=sys.argv[1])
tracker = DialogueStateTracker.from_events("x\ud800", [UserUttered("hoi")])
try:
    asyncio.run(store.save(tracker))
except SystemExit:
    print("EXITED")
except Exception as error:
    print("FAILED THE TURN:", type(error).__name__)
else:
    print("SAVED")
"""


def test_a_store_error_fails_the_turn_instead_of_ending_rasa(tmp_path) -> None:
    """Whatever slips past the channels: Rasa's own store would call sys.exit on this ValueError."""
    database = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
    result = subprocess.run([str(ROOT / ".venv-rasa/bin/python"), "-c", STORE_ERROR, database], cwd=ROOT,
                            env=base_env(), capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "FAILED THE TURN: UnicodeEncodeError", result.stdout + result.stderr[-2000:]
