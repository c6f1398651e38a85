"""The web widget's socket.io channel against the real Rasa server (bot/channels/socketio.py):
server-signed sessions, history after a reload, origins, bad input, numbered answers."""

from __future__ import annotations

import queue

import pytest
import socketio

from tests.support.widget_client import WidgetClient

NEED = "ik wil beter leren presenteren"


@pytest.fixture
def widget(rasa, service):
    clients: list[WidgetClient] = []

    def open_widget(origin: str | None = service.url) -> WidgetClient:
        client = WidgetClient(rasa.url, origin).connect()
        clients.append(client)
        return client

    yield open_widget
    for client in clients:
        client.close()


def bot_messages(events):
    return [data for event, data in events if event == "bot_uttered"]


def test_a_new_visitor_gets_a_signed_session_and_the_guided_questions(widget, rasa):
    visitor = widget()
    assert visitor.request_session(None) == []
    conversation_id, _, signature = visitor.session_id.partition(".")
    assert len(conversation_id) == 32 and signature

    [question] = bot_messages(visitor.say(NEED))

    assert question["text"] and len(question["buttons"]) >= 2
    assert all(set(button) == {"title", "payload"} for button in question["buttons"])
    # The conversation is Rasa's sender id without the signature; the need was understood.
    assert rasa.slots(conversation_id)["need"] == "skill"


def test_a_reload_shows_the_conversation_so_far(widget):
    visitor = widget()
    visitor.request_session(None)
    [question] = bot_messages(visitor.say(NEED))
    tapped = question["buttons"][0]
    answer = bot_messages(visitor.say(tapped["payload"]))
    visitor.close()

    reloaded = widget()
    history = reloaded.request_session(visitor.session_id)

    assert reloaded.session_id == visitor.session_id
    assert [m["sender"] for m in history[:3]] == ["user", "bot", "user"]
    assert history[0]["text"] == NEED
    assert history[1]["buttons"] == question["buttons"]
    assert history[2]["text"] == tapped["title"]  # the tapped button, as the visitor saw it
    assert history[-1]["text"] == answer[-1]["text"]


def test_someone_elses_conversation_id_gets_neither_their_replies_nor_their_conversation(widget, rasa):
    victim = widget()
    victim.request_session(None)
    victim.say(NEED)
    victim_conversation = victim.session_id.split(".")[0]
    events_before = len(rasa.tracker(victim_conversation)["events"])

    attacker = widget()
    # Stock Rasa would accept the bare id; the signature is what proves it is yours.
    assert attacker.request_session(victim_conversation) == []
    assert attacker.session_id.split(".")[0] != victim_conversation
    attacker.say("ik wil leren timemanagen", session_id=victim.session_id)  # an id in a message is ignored

    assert len(rasa.tracker(victim_conversation)["events"]) == events_before
    with pytest.raises(queue.Empty):
        victim.next_event(timeout=2)  # not one of the attacker's replies reached the victim


def test_a_tampered_signature_starts_a_new_conversation(widget):
    visitor = widget()
    visitor.request_session(None)
    visitor.say(NEED)
    tampered = visitor.session_id[:-2] + ("AA" if not visitor.session_id.endswith("AA") else "BB")

    other = widget()
    assert other.request_session(tampered) == []
    assert other.session_id != visitor.session_id


def test_another_website_cannot_open_the_widget_channel(widget):
    with pytest.raises(socketio.exceptions.ConnectionError):
        widget(origin="https://evil.example")


def test_a_message_before_the_session_is_refused_politely(widget):
    visitor = widget()
    visitor.sio.emit("user_uttered", {"message": NEED})
    event, data = visitor.next_event(10)
    assert event == "bot_error" and "verbinding" in data["message"].lower()


@pytest.mark.parametrize("message", ["", "   ", None, 42, {"nested": "object"}, ["list"]])
def test_empty_or_odd_messages_get_a_polite_reply(widget, message):
    visitor = widget()
    visitor.request_session(None)
    [reply] = bot_messages(visitor.say(message))
    assert "geen tekst" in reply["text"] or reply["text"]


def test_a_very_long_message_is_read_in_part_and_answered(widget):
    visitor = widget()
    visitor.request_session(None)
    texts = visitor.texts("ik wil beter leren presenteren " * 400)
    assert "eerste 2000 tekens" in texts[0]
    assert len(texts) >= 2


def test_a_typed_intent_command_is_read_as_text(widget, rasa):
    visitor = widget()
    visitor.request_session(None)
    visitor.say('/inform{"setting":"<b>x</b>"}')
    slots = rasa.slots(visitor.session_id.split(".")[0])
    assert slots["setting"] is None


def test_a_number_answers_the_last_question(widget, rasa):
    visitor = widget()
    visitor.request_session(None)
    [question] = bot_messages(visitor.say(NEED))
    first = question["buttons"][0]["payload"]
    assert first.startswith('/inform{"')
    slot, value = first[len('/inform{"'):-2].split('":"')

    visitor.say("1")

    assert rasa.slots(visitor.session_id.split(".")[0])[slot] == value


def test_continue_on_telegram_is_only_offered_when_a_bot_is_configured(widget, stack):
    visitor = widget()
    visitor.request_session(None)
    visitor.sio.emit("continue_request", {})
    if visitor.continue_on_telegram:
        link = visitor.wait_for("continue_link", 10)
        assert link["url"].startswith("https://t.me/") and "?start=" in link["url"]
    else:
        assert "telegram" in visitor.wait_for("continue_error", 10)["message"].lower()
