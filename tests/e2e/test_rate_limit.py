"""Rate limits on the public chat channels (bot/channels/rate_limit.py) against a real Rasa server.

The session's Rasa runs without limits (tests/support/stack.py: the tests are faster than people),
so this module starts one of its own with small limits, next to the session's action server, lead
service and local Telegram Bot API: per sender 3 a minute, per address 5 a minute, X-Forwarded-For
trusted from 127.0.0.1 (the tests play visitors at other addresses through it). Memory storage;
Redis is covered in tests/unit/test_rate_limit.py.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest

from bot.channels.conversation_ids import rest_conversation_id
from bot.channels.rate_limit import limited_message
from tests.support.servers import MODEL, RasaServer
from tests.support.stack import Stack
from tests.support.telegram_api import WEBHOOK_SECRET, FakeBotApi, TelegramChat
from tests.support.widget_client import WidgetClient

PER_SENDER = 3
PER_ADDRESS = 5
LIMITED = "niet gelezen"  # in every limited_message


@pytest.fixture(scope="module")
def limited_rasa(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    assert MODEL.exists(), "train the model first: make train"
    server = RasaServer(tmp_path_factory.mktemp("rasa-limited"), action_url=stack.rasa.action_url, env={
        **stack.rasa.env,  # the same database, widget origin and (local) Telegram bot
        "CHAT_RATE_LIMIT_PER_SENDER": f"{PER_SENDER}/minute",
        "CHAT_RATE_LIMIT_PER_ADDRESS": f"{PER_ADDRESS}/minute",
        "CHAT_TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT_STORAGE_URL": "memory://",
    })
    server.start()
    yield server
    server.stop()


_addresses = itertools.count(1)


def visitor_address() -> str:
    """A new visitor's address (TEST-NET-3), as our proxy at 127.0.0.1 forwards it."""
    return f"203.0.113.{next(_addresses)}"


def post(rasa: RasaServer, sender: str, message: str, forwarded_for: str) -> httpx.Response:
    return httpx.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                      headers={"X-Forwarded-For": forwarded_for}, timeout=60)


def test_rest_a_sender_over_the_limit_gets_429_in_dutch_and_is_not_heard(limited_rasa: RasaServer) -> None:
    sender, address = f"limit-{uuid.uuid4().hex[:10]}", visitor_address()
    messages = ["hoi", "ik wil beter leren presenteren", "weet ik niet"]
    for message in messages:
        response = post(limited_rasa, sender, message, address)
        assert response.status_code == 200 and response.json(), response.text

    refused = post(limited_rasa, sender, "en nog een bericht", address)

    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/json")
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {"error": limited_message(retry_after)}  # the channel's error shape, Dutch
    assert LIMITED in refused.json()["error"]
    assert limited_rasa.user_texts(rest_conversation_id(sender)) == messages  # the refused message never reached Rasa

    # Someone else, even behind the same address, is not affected.
    other = post(limited_rasa, f"limit-{uuid.uuid4().hex[:10]}", "hoi", address)
    assert other.status_code == 200 and any(reply.get("text") for reply in other.json())


def test_rest_an_address_over_the_limit_gets_429_whatever_the_sender(limited_rasa: RasaServer) -> None:
    address = visitor_address()
    for _ in range(PER_ADDRESS):
        assert post(limited_rasa, f"limit-{uuid.uuid4().hex[:10]}", "hoi", address).status_code == 200

    sender = f"limit-{uuid.uuid4().hex[:10]}"
    refused = post(limited_rasa, sender, "hoi", address)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert LIMITED in refused.json()["error"]

    assert post(limited_rasa, sender, "hoi", visitor_address()).status_code == 200  # another visitor's address


def test_widget_a_conversation_over_the_limit_is_told_to_wait(limited_rasa: RasaServer, service) -> None:
    widget = WidgetClient(limited_rasa.url, service.url).connect()
    try:
        widget.request_session(None)
        conversation_id = widget.session_id.partition(".")[0]
        messages = ["hoi", "ik wil beter leren presenteren", "weet ik niet"]
        for message in messages:
            assert widget.texts(message)

        events = widget.say("en nog een bericht")

        assert len(events) == 1 and events[0][0] == "bot_uttered", events  # no bot_error, then bot_done
        assert LIMITED in events[0][1]["text"]
        assert limited_rasa.user_texts(conversation_id) == messages
    finally:
        widget.close()


def test_telegram_a_chat_over_the_limit_hears_it_once_and_telegram_gets_200(
        limited_rasa: RasaServer, telegram_api: FakeBotApi) -> None:
    chat = TelegramChat(telegram_api, f"{limited_rasa.url}/webhooks/telegram/webhook", WEBHOOK_SECRET)
    messages = ["hoi", "ik wil beter leren presenteren", "weet ik niet"]
    buttons = []
    for message in messages:
        replies = chat.say(message)
        assert replies
        buttons += [button["payload"] for reply in replies for button in reply.get("buttons") or []]

    first = chat.say("en nog een bericht")  # TelegramChat.send asserts the webhook's 200 every time
    second = chat.say("en nog een")
    tapped = chat.tap(buttons[-1])

    assert len(first) == 1 and LIMITED in first[0]["text"]
    assert second == [] and tapped == []  # told once per window, not at every message of a flood
    assert [call.method for call in chat.last_calls] == ["answerCallbackQuery"]  # the tap stops spinning
    assert limited_rasa.user_texts(chat.sender) == messages


def test_an_unusable_limit_stops_rasa_at_start_up_saying_why(
        stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    server = RasaServer(tmp_path_factory.mktemp("rasa-bad-limit"), action_url=stack.rasa.action_url,
                        env={**stack.rasa.env, "CHAT_RATE_LIMIT_PER_SENDER": "heel veel"})
    try:
        with pytest.raises(RuntimeError, match="exited early") as failed:
            server.start()
        assert "CHAT_RATE_LIMIT_PER_SENDER='heel veel' is not a rate limit" in str(failed.value)
    finally:
        server.stop()
