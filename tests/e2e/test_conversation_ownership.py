"""Each channel owns its conversations: no request through one channel reaches a conversation of
another (tested for each pair), and the action server answers Rasa alone.

The probes these started as: REST with `sender: "telegram-<chat id>"` read a Telegram visitor's
name and e-mail back ("waar waren we?") and submitted her lead ("/affirm"); a bare `POST :5055/webhook`
stored a lead with made-up consent, and `action_forget_me` erased someone's conversation.
"""

from __future__ import annotations

import pytest

from bot.channels.conversation_ids import rest_conversation_id
from tests.support.conversation import give_details, texts
from tests.support.telegram_api import WEBHOOK_SECRET, TelegramChat
from tests.support.widget_client import WidgetClient

NAME, EMAIL = "Sanne", "anna@voorbeeld.nl"  # give_details types this e-mail address


@pytest.fixture
def chat(rasa, telegram_api) -> TelegramChat:
    return TelegramChat(telegram_api, f"{rasa.url}/webhooks/telegram/webhook", WEBHOOK_SECRET)


def event_count(rasa, conversation_id: str) -> int:
    return len(rasa.tracker(conversation_id)["events"])


def leads_of(service, conversation_id: str) -> list[dict]:
    items = service.staff("/api/staff/leads", limit=100).json()["items"]
    return [lead for lead in items if lead["conversation_id"] == conversation_id]


def test_rest_cannot_read_or_submit_a_telegram_visitors_hand_off(rasa, service, chat) -> None:
    give_details(chat.say, chat.say("ik wil contact met een mentor"), name=NAME)  # up to the summary
    before = event_count(rasa, chat.sender)

    for message in ("waar waren we?", "/affirm"):
        replies = rasa.send(chat.sender, message)  # REST, naming the Telegram conversation
        assert NAME not in texts(replies) and EMAIL not in texts(replies)

    assert event_count(rasa, chat.sender) == before, "nothing was written into the Telegram conversation"
    assert leads_of(service, chat.sender) == [], "her lead was not submitted behind her back"
    assert rasa.user_texts(rest_conversation_id(chat.sender)) == ["waar waren we?", "/affirm"]


def test_rest_cannot_reach_a_widget_conversation_by_its_id_or_session(rasa, service) -> None:
    widget = WidgetClient(rasa.url, origin=service.url).connect()
    try:
        widget.request_session()
        assert widget.texts("ik wil beter leren presenteren")
    finally:
        widget.close()
    conversation_id = widget.session_id.partition(".")[0]
    before = event_count(rasa, conversation_id)
    for sender in (conversation_id, widget.session_id):  # the bare id (once in the mentor's e-mail), and signed
        assert texts(rasa.send(sender, "ik wil liever coaching")), "answered, in a conversation of its own"
    assert event_count(rasa, conversation_id) == before


def test_the_widget_cannot_open_a_rest_or_telegram_conversation(rasa, service, chat, say, sender) -> None:
    say("ik wil beter leren presenteren")
    chat.say("ik wil beter leren presenteren")
    targets = [rest_conversation_id(sender), chat.sender]
    before = {target: event_count(rasa, target) for target in targets}
    for target in targets:
        widget = WidgetClient(rasa.url, origin=service.url).connect()
        try:
            history = widget.request_session(target)  # an id the server did not sign
            assert history == [], "no one else's history is replayed"
            assert widget.session_id.partition(".")[0] not in targets
            widget.texts("ik wil liever coaching")
        finally:
            widget.close()
    assert {target: event_count(rasa, target) for target in targets} == before


def test_telegram_cannot_claim_a_conversation_without_a_link_token(rasa, chat, say, sender) -> None:
    say("ik wil beter leren presenteren")
    conversation_id = rest_conversation_id(sender)
    before = event_count(rasa, conversation_id)
    for payload in (conversation_id, sender):  # deep-link payloads naming a conversation, not a token
        assert "werkt niet meer" in texts(chat.say(f"/start {payload}"))
    assert event_count(rasa, conversation_id) == before
