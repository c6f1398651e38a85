"""Buttons as numbered options: shown as "1. Title", answered with "1", read back from the tracker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.channels.numbered import NUMBER_HINT, numbered_text, payload_for_number
from bot.channels.tracker_buttons import bot_buttons, last_bot_buttons, resolve_numbered_reply

BUTTONS = [
    {"title": "In een groep", "payload": '/inform{"setting":"group"}'},
    {"title": "Eén op één", "payload": '/inform{"setting":"individual"}'},
    {"title": "Weet ik niet", "payload": "/dont_know"},
]


def test_numbered_text_lists_the_titles_in_order_with_a_hint():
    text = numbered_text("Leer je liever samen met anderen, of één op één?", BUTTONS)
    assert text == ("Leer je liever samen met anderen, of één op één?\n\n"
                    "1. In een groep\n2. Eén op één\n3. Weet ik niet\n\n" + NUMBER_HINT)
    assert "/inform" not in text, "payloads are never shown"


def test_numbered_text_without_buttons_is_the_text():
    assert numbered_text("Hoi!", []) == "Hoi!"


@pytest.mark.parametrize("reply", ["2", " 2 ", "2.", "2)", "02"])
def test_a_number_picks_that_button(reply):
    assert payload_for_number(reply, BUTTONS) == '/inform{"setting":"individual"}'


@pytest.mark.parametrize("reply", ["0", "4", "-1", "2 dingen", "twee", "", "1.5", "ik kies 2"])
def test_anything_else_picks_nothing(reply):
    assert payload_for_number(reply, BUTTONS) is None


def test_a_button_without_payload_answers_with_its_title():
    assert payload_for_number("1", [{"title": "Maakt niet uit"}]) == "Maakt niet uit"


# --- the buttons on screen, from Rasa's tracker store ---------------------------------------


@dataclass
class Event:
    type_name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tracker:
    events: list[Event]


class Store:
    def __init__(self, trackers: dict[str, Tracker], broken: bool = False) -> None:
        self.trackers = trackers
        self.broken = broken
        self.reads = 0

    async def retrieve(self, sender_id: str) -> Tracker | None:
        self.reads += 1
        if self.broken:
            raise ConnectionError("database down")
        return self.trackers.get(sender_id)


@dataclass
class Agent:
    tracker_store: Store


def agent_with(*events: Event, broken: bool = False) -> Agent:
    return Agent(Store({"anna": Tracker(list(events))}, broken))


OLD = [{"title": "Vooral mijn werk", "payload": '/inform{"scope":"work"}'}]


def test_the_last_bot_message_gives_the_buttons():
    agent = agent_with(Event("bot", {"buttons": OLD}), Event("user"), Event("bot", {"buttons": BUTTONS}))
    assert asyncio.run(last_bot_buttons(agent, "anna")) == BUTTONS
    assert asyncio.run(resolve_numbered_reply(agent, "anna", "3")) == "/dont_know"


def test_no_buttons_when_the_last_bot_message_had_none():
    agent = agent_with(Event("bot", {"buttons": BUTTONS}), Event("user"), Event("bot", {"text": "Dank je!"}))
    assert asyncio.run(last_bot_buttons(agent, "anna")) == []
    assert asyncio.run(resolve_numbered_reply(agent, "anna", "1")) == "1"


def test_unknown_conversation_or_failing_store_reads_the_reply_as_text():
    assert asyncio.run(resolve_numbered_reply(agent_with(), "someone-else", "1")) == "1"
    assert asyncio.run(resolve_numbered_reply(agent_with(broken=True), "anna", "1")) == "1"


def test_a_reply_that_is_no_number_never_reads_the_store():
    agent = agent_with(Event("bot", {"buttons": BUTTONS}))
    assert asyncio.run(resolve_numbered_reply(agent, "anna", "in een groep graag")) == "in een groep graag"
    assert agent.tracker_store.reads == 0


def test_all_buttons_newest_first():
    agent = agent_with(Event("bot", {"buttons": OLD}), Event("user"), Event("bot", {"buttons": BUTTONS}))
    assert asyncio.run(bot_buttons(agent, "anna")) == BUTTONS + OLD
