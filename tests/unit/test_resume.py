"""Picking a conversation up again (actions/resume.py): after "verder op Telegram" or "waar waren we?"."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.resume import ActionResumeConversation
from tests.unit.datafiles import load_domain
from tests.unit.test_actions import make_tracker

DOMAIN = load_domain()


def resume(tracker: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionResumeConversation().run(dispatcher, tracker, DOMAIN)) == []
    return dispatcher.messages


def on_telegram(tracker: Tracker) -> Tracker:
    tracker.latest_message["metadata"] = {"channel": "telegram", "language": "nl", "first_name": "Anna"}
    return tracker


def test_the_action_is_declared_in_the_domain():
    assert ActionResumeConversation().name() in DOMAIN["actions"]
    assert "resume_conversation" in DOMAIN["intents"]


def test_after_the_advice_the_advice_comes_back_with_its_next_steps():
    tracker = on_telegram(make_tracker({"need": "skill", "setting": "group", "goal": "skill",
                                        "recommendation": "training"}, intent="resume_conversation"))
    [message] = resume(tracker)
    assert message["text"].startswith("Welkom op Telegram!")
    assert "training" in message["text"].lower()
    assert {b["payload"] for b in message["buttons"]} == {"/ask_more", "/restart", "/request_human"}


def test_in_the_middle_of_the_questions_it_only_welcomes_the_form_asks_next():
    tracker = on_telegram(make_tracker({"need": "skill"}, intent="resume_conversation",
                                       requested_slot="setting", active_loop={"name": "guidance_form"}))
    [message] = resume(tracker)
    assert message["text"] == "Welkom op Telegram! We gaan verder waar je op de website gebleven was."
    assert not message["buttons"]


def test_with_nothing_said_yet_it_invites_the_visitor_to_start():
    [message] = resume(make_tracker({}, intent="resume_conversation"))
    assert message["text"].startswith("We gaan verder waar je gebleven was.")
    assert "wat je wilt ontwikkelen" in message["text"]


def test_a_programme_advice_comes_back_as_a_programme():
    [message] = resume(make_tracker({"recommendation": "mentoring", "guidance_variant": "program"},
                                    intent="resume_conversation"))
    assert "programma" in message["text"].lower()
