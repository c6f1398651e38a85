"""Telegram, end to end: real webhook updates posted to Rasa's Telegram channel, the bot's
answers recorded by a local server that speaks the Telegram Bot API (tests/support/telegram_api.py).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bot.channels.conversation_ids import rest_conversation_id
from bot.channels.links import ChannelLinks
from bot.channels.numbered import NUMBER_HINT
from bot.message_guard import EMPTY_REPLY
from tests.support.conversation import asked_dimension, button_for, is_recommendation, texts
from tests.support.servers import ROOT, base_env, free_port, stop_process, wait_for
from tests.support.telegram_api import (
    BOT_USERNAME,
    PUBLIC_WEBHOOK_URL,
    WEBHOOK_SECRET,
    FakeBotApi,
    TelegramChat,
    callback_update,
    edited_message_update,
    sticker_update,
    text_update,
    update,
)
from tests.support.widget_client import WidgetClient

TRAINING = dict(goal="skill", guide_role="expert", horizon="short", scope="work", setting="group")


@pytest.fixture
def chat(rasa, telegram_api) -> TelegramChat:
    return TelegramChat(telegram_api, f"{rasa.url}/webhooks/telegram/webhook", WEBHOOK_SECRET)


def user_events(rasa, sender: str) -> list[dict]:
    return [e for e in rasa.tracker(sender)["events"] if e["event"] == "user"]


def answer_until_advice(chat: TelegramChat, replies: list[dict], answers: dict[str, str]) -> list[dict]:
    """Tap the button for each question until the advice comes."""
    for _ in range(6):
        if is_recommendation(replies):
            return replies
        dimension = asked_dimension(replies)
        assert dimension, f"expected a question, got {texts(replies)!r}"
        replies = chat.tap(button_for(replies, dimension, answers[dimension]))
    assert is_recommendation(replies), texts(replies)
    return replies


def test_the_webhook_is_registered_at_start_with_secret_and_only_our_updates(stack, telegram_api):
    call = telegram_api.wait_for("setWebhook", timeout=30)
    assert call.params == {"url": PUBLIC_WEBHOOK_URL, "secret_token": WEBHOOK_SECRET,
                           "allowed_updates": ["message", "callback_query"], "drop_pending_updates": True}
    assert not telegram_api.calls_of("getMe"), "no Telegram round-trip to 'verify' updates"


@pytest.mark.parametrize("secret", ["wrong-secret", None, WEBHOOK_SECRET + "x", ""])
def test_an_update_without_the_right_secret_gets_403_and_reaches_no_one(rasa, telegram_api, chat, secret):
    body = text_update(chat.chat_id, "ik wil leren presenteren")
    response = chat.post(body, secret=secret) if secret is not None else chat.post(body, send_secret=False)
    assert response.status_code == 403
    assert not telegram_api.calls_of("sendMessage", chat.chat_id)
    assert not user_events(rasa, chat.sender)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"een tekst"', b"null"])
def test_a_body_that_is_no_update_object_gets_400_and_the_channel_goes_on(chat, body):
    response = chat.post(None, raw=body)
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert "training, coaching" in texts(chat.say("/start"))


def test_updates_we_do_not_handle_get_200_and_only_a_sticker_gets_a_polite_note(rasa, chat):
    assert chat.send(edited_message_update(chat.chat_id, "toch iets anders")) == []
    assert chat.send(update(my_chat_member={"chat": {"id": chat.chat_id, "type": "private"}})) == []
    assert chat.send(update(poll={"id": "1", "question": "?", "options": []})) == []
    assert chat.send(update(callback_query={"id": "77", "data": "/restart"})) == [], "no chat, no message"
    note = chat.send(sticker_update(chat.chat_id))
    assert "alleen tekst" in texts(note)
    assert not user_events(rasa, chat.sender), "none of these reached the assistant"

    assert asked_dimension(chat.say("ik wil beter leren presenteren")), "the conversation works afterwards"


def test_start_greets_and_passes_language_and_first_name(rasa, chat):
    replies = chat.say("/start")
    assert "training, coaching" in texts(replies)
    assert chat.api.calls_of("sendChatAction", chat.chat_id), "the visitor sees 'typing...'"
    (event,) = user_events(rasa, chat.sender)
    assert {"channel": "telegram", "language": "nl", "first_name": "Anna"}.items() <= event["metadata"].items()
    assert event["input_channel"] == "telegram"


def test_a_whole_conversation_with_inline_keyboards_ends_in_advice(rasa, telegram_api, chat):
    chat.say("/start")
    replies = chat.say("ik wil beter leren presenteren")
    question = [c.params for c in chat.last_calls if c.method == "sendMessage" and c.params.get("reply_markup")]
    keyboard = question[-1]["reply_markup"]["inline_keyboard"]
    assert all(len(row) == 1 for row in keyboard) and len(keyboard) >= 3, "one button per row"
    assert all(len(b["callback_data"].encode()) <= 64 for row in keyboard for b in row)

    taps = []
    for _ in range(6):
        if is_recommendation(replies):
            break
        dimension = asked_dimension(replies)
        tapped = chat.message_with(button_for(replies, dimension, TRAINING[dimension]))
        replies = chat.tap(button_for(replies, dimension, TRAINING[dimension]))
        callback_id = chat.last_calls[0].params.get("callback_query_id")
        taps.append((callback_id, tapped["message_id"]))
        assert chat.last_calls[0].method == "answerCallbackQuery", "the tap is answered first"

    assert is_recommendation(replies), texts(replies)
    advice = texts(replies)
    assert "Mijn advies:" in advice and "Waarom:" in advice and "Tweede keus:" in advice and "Bronnen:" in advice
    titles = {b["title"] for r in replies for b in r.get("buttons") or []}
    assert {"Meer uitleg", "Opnieuw beginnen", "Praat met een mentor"} <= titles
    assert rasa.slots(chat.sender)["recommendation"] == "training"

    answered = {c.params["callback_query_id"] for c in telegram_api.calls_of("answerCallbackQuery")}
    cleared = {c.params["message_id"] for c in telegram_api.calls_of("editMessageReplyMarkup", chat.chat_id)
               if c.params["reply_markup"] == {"inline_keyboard": []}}
    for callback_id, message_id in taps:
        assert callback_id in answered
        assert message_id in cleared, "a tapped keyboard is removed"
    assert all("/inform" not in c.params["text"] for c in telegram_api.calls_of("sendMessage", chat.chat_id))


def test_opnieuw_restarts(rasa, chat):
    replies = chat.say("ik wil beter leren presenteren")
    dimension = asked_dimension(replies)
    chat.tap(button_for(replies, dimension, TRAINING[dimension]))
    assert rasa.slots(chat.sender)[dimension] == TRAINING[dimension]

    replies = chat.say("/opnieuw")
    assert "opnieuw" in texts(replies)
    assert rasa.slots(chat.sender)[dimension] is None
    assert asked_dimension(chat.say("ik wil beter leren presenteren")) == dimension, "asked again from the start"


def test_answering_with_a_number_picks_that_button(rasa, chat):
    replies = chat.say("ik wil beter leren presenteren")
    dimension = asked_dimension(replies)
    second = [r for r in replies if r.get("buttons")][-1]["buttons"][1]["payload"]
    chat.say("2")
    assert user_events(rasa, chat.sender)[-1]["text"] == second
    assert rasa.slots(chat.sender)[dimension] == json.loads(second.removeprefix("/inform"))[dimension]


def test_when_telegram_refuses_the_keyboard_the_options_come_as_numbers(rasa, telegram_api, chat):
    telegram_api.reject_keyboards_in.add(chat.chat_id)
    replies = chat.say("ik wil beter leren presenteren")
    text = texts(replies)
    assert NUMBER_HINT in text and "\n1. " in text and "\n2. " in text
    assert "/inform" not in text
    question = next(c for c in chat.last_calls if c.method == "sendMessage" and c.params.get("reply_markup"))
    first = question.params["reply_markup"]["inline_keyboard"][0][0]

    chat.say("1")
    assert user_events(rasa, chat.sender)[-1]["text"] == first["callback_data"]
    dimension = next(iter(json.loads(first["callback_data"].removeprefix("/inform"))))
    assert rasa.slots(chat.sender)[dimension] is not None


def test_when_telegram_says_slow_down_the_reply_is_sent_after_the_wait(telegram_api, chat):
    telegram_api.throttle_once_in[chat.chat_id] = 1
    replies = chat.say("/start")
    sends = [c for c in chat.last_calls if c.method == "sendMessage"]
    assert sends[0].result is None and sends[1].result is not None, "429 first, then sent"
    assert "training, coaching" in texts(replies)


def test_a_retried_update_is_handled_once(rasa, chat):
    body = text_update(chat.chat_id, "ik wil beter leren presenteren")
    first = chat.send(body)
    again = chat.send(body)
    assert first and again == []
    assert len(user_events(rasa, chat.sender)) == 1


def test_a_4000_character_message_is_read_in_part_and_answered(rasa, chat):
    replies = chat.say("ik wil leren presenteren. " + "bla " * 1000)
    assert "erg lang" in texts(replies)
    assert len(replies) >= 2, "and the assistant answers it"
    assert max(len(e["text"]) for e in user_events(rasa, chat.sender)) <= 2000


def test_an_empty_looking_message_gets_the_empty_reply(rasa, chat):
    assert texts(chat.say("/")) == EMPTY_REPLY
    assert not user_events(rasa, chat.sender)


def test_a_forged_button_cannot_set_a_slot(rasa, telegram_api, chat):
    replies = chat.say("ik wil beter leren presenteren")
    forged = '/inform{"setting":"<b>x</b>"}'
    bot_message = chat.message_with(button_for(replies, asked_dimension(replies),
                                               TRAINING[asked_dimension(replies)]))
    chat.send(callback_update(chat.chat_id, bot_message, forged))
    assert chat.last_calls[0].method == "answerCallbackQuery"
    assert rasa.slots(chat.sender)["setting"] != "<b>x</b>"
    assert all(not e["text"].startswith("/inform{\"setting\":\"<b>") for e in user_events(rasa, chat.sender))


# --- continue a web conversation on Telegram -------------------------------------------------


def test_an_unknown_link_says_so_and_starts_fresh(rasa, chat):
    replies = chat.say("/start bestaatnietmeer123")
    assert "niet meer" in texts(replies)
    assert "training, coaching" in texts(replies)
    assert user_events(rasa, chat.sender)[-1]["text"] == "hallo"


def test_a_link_from_the_widget_continues_the_same_conversation(rasa, service, chat):
    """The widget asks for a link over socket.io; /start <token> in Telegram picks the conversation up."""
    widget = WidgetClient(rasa.url, service.url).connect()
    try:
        widget.request_session(None)
        assert widget.continue_on_telegram
        question = [data for event, data in widget.say("ik wil beter leren presenteren") if event == "bot_uttered"]
        first = asked_dimension(question)
        answered = [data for event, data in widget.say(button_for(question, first, TRAINING[first]))
                    if event == "bot_uttered"]
        open_question = asked_dimension(answered)
        widget.sio.emit("continue_request", {})
        link = widget.wait_for("continue_link", 10)
    finally:
        widget.close()
    web = widget.session_id.split(".")[0]
    assert link["url"].startswith(f"https://t.me/{BOT_USERNAME}?start=")
    token = link["url"].split("?start=", 1)[1]

    replies = chat.say(f"/start {token}")

    assert texts(replies).startswith("Welkom op Telegram!")
    assert asked_dimension(replies) == open_question, "the bot picks up the open question"
    assert user_events(rasa, web)[-1]["text"] == "/resume_conversation"
    assert not user_events(rasa, chat.sender), "no separate Telegram conversation"

    # Later messages in this chat go to the web conversation, up to the advice.
    answer_until_advice(chat, replies, TRAINING)
    assert rasa.slots(web)["recommendation"] == "training"
    assert rasa.slots(web)[first] == TRAINING[first], "answers from the web carried over"
    channels = {e.get("input_channel") for e in user_events(rasa, web)}
    assert channels == {"socketio", "telegram"}

    # The link worked once.
    other = TelegramChat(chat.api, chat.webhook_url, chat.secret)
    assert "niet meer" in texts(other.say(f"/start {token}"))


def test_after_the_advice_telegram_shows_the_advice_again(rasa, service, chat):
    web = f"web-{chat.chat_id}"
    replies = rasa.send(web, "ik wil beter leren presenteren")
    for _ in range(6):
        if is_recommendation(replies):
            break
        dimension = asked_dimension(replies)
        replies = rasa.send(web, button_for(replies, dimension, TRAINING[dimension]))
    links = ChannelLinks(f"sqlite:///{service.database}")
    try:
        token = links.issue(rest_conversation_id(web))
    finally:
        links.dispose()

    replies = chat.say(f"/start {token}")

    assert "Dit was mijn advies" in texts(replies) and is_recommendation(replies)
    assert {b["title"] for b in replies[-1]["buttons"]} >= {"Meer uitleg", "Praat met een mentor"}


# --- start-up, with the channel alone (no model needed) ----------------------------------------

CHANNEL_ONLY = """
import sys
from rasa.core.channels.channel import register
from sanic import Sanic
from bot.channels.telegram import TelegramChannel

app = Sanic("telegram_only")
register([TelegramChannel.from_credentials(None)], app, route="/webhooks/")
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
"""


def start_channel_only(workdir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Rasa's channel registration on a bare Sanic app, as `rasa run` does it, in Rasa's environment."""
    port = free_port()
    log = workdir / "telegram-only.log"
    environ = base_env(**env)
    if "TELEGRAM_BOT_TOKEN" not in env:
        environ.pop("TELEGRAM_BOT_TOKEN", None)  # one in the developer's shell must not switch it on
    process = subprocess.Popen([str(ROOT / ".venv-rasa/bin/python"), "-c", CHANNEL_ONLY, str(port)], cwd=ROOT,
                               env=environ, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/webhooks/telegram"
    wait_for(f"{url}/", 60, process, log)
    return process, url


def test_without_a_token_the_channel_is_off_and_never_calls_telegram(tmp_path):
    api = FakeBotApi().start()
    env = {"TELEGRAM_API_URL": api.url, "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "TELEGRAM_WEBHOOK_URL": PUBLIC_WEBHOOK_URL}
    process, url = start_channel_only(tmp_path, env)
    try:
        response = httpx.post(f"{url}/webhook", json=text_update(1234, "hallo"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, timeout=10)
        assert response.status_code == 404
        assert "niet ingesteld" in response.json()["error"]
        stop_process(process)  # after its whole life, start-up and shutdown included:
        assert api.calls == [], "nothing called Telegram"
    finally:
        stop_process(process)
        api.stop()


def test_an_unreachable_telegram_never_blocks_start(tmp_path):
    # A Bot API that accepts connections and never answers: setWebhook hangs until its timeout.
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        env = {"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
               "TELEGRAM_WEBHOOK_URL": PUBLIC_WEBHOOK_URL,
               "TELEGRAM_API_URL": f"http://127.0.0.1:{black_hole.getsockname()[1]}"}
        started = time.monotonic()
        process, url = start_channel_only(tmp_path, env)
        try:
            assert time.monotonic() - started < 30
            assert httpx.get(f"{url}/", timeout=5).status_code == 200
            response = httpx.post(f"{url}/webhook", json=text_update(1234, "hallo"),
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "fout"}, timeout=5)
            assert response.status_code == 403
        finally:
            stop_process(process)
