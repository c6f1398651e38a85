"""What a returning web visitor sees again (bot/channels/history.py), from Rasa event dicts."""

from __future__ import annotations

from bot.channels.history import visible_messages

BUTTONS = [{"title": "In een groep", "payload": '/inform{"setting":"group"}'},
           {"title": "Eén op één", "payload": '/inform{"setting":"individual"}'}]


def user(text, t=1.0):
    return {"event": "user", "text": text, "timestamp": t, "parse_data": {"intent": {"name": "x"}}}


def bot(text, t=2.0, buttons=None):
    return {"event": "bot", "text": text, "timestamp": t, "data": {"buttons": buttons} if buttons else {}}


def test_turns_come_back_in_order_with_the_buttons_of_bot_messages():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        user("ik wil beter leren presenteren", 1),
        {"event": "slot", "name": "need", "value": "skill"},
        bot("Leer je liever samen met anderen, of één op één?", 2, BUTTONS),
    ]
    assert visible_messages(events) == [
        {"sender": "user", "text": "ik wil beter leren presenteren", "timestamp": 1},
        {"sender": "bot", "text": "Leer je liever samen met anderen, of één op één?", "timestamp": 2,
         "buttons": BUTTONS},
    ]


def test_a_tapped_button_shows_its_title_not_its_payload():
    events = [bot("Groep of één op één?", 1, BUTTONS), user('/inform{"setting":"group"}', 2)]
    assert visible_messages(events)[-1]["text"] == "In een groep"


def test_commands_sent_for_the_user_are_not_shown_but_typed_text_is():
    events = [bot("Hallo", 1), user("/resume_conversation", 2), bot("We gaan verder", 3),
              user("<script>alert(1)</script>", 4)]
    texts = [m["text"] for m in visible_messages(events)]
    assert texts == ["Hallo", "We gaan verder", "<script>alert(1)</script>"]


def test_only_the_conversation_since_the_last_restart_is_shown():
    events = [user("oud", 1), bot("oud antwoord", 2), {"event": "restart"}, user("nieuw", 3)]
    assert [m["text"] for m in visible_messages(events)] == ["nieuw"]


def test_a_payload_that_was_not_on_the_last_buttons_is_not_shown_as_a_title():
    events = [bot("Groep of één op één?", 1, BUTTONS), user("iets anders", 2), user('/inform{"setting":"group"}', 3)]
    assert [m["text"] for m in visible_messages(events)] == ["Groep of één op één?", "iets anders"]


def test_empty_bot_events_and_odd_button_data_do_not_break_it():
    events = [{"event": "bot", "text": None, "data": None}, bot("x", 1, ["not a dict", {"title": "Ja"}])]
    assert visible_messages(events) == [
        {"sender": "bot", "text": "x", "timestamp": 1, "buttons": [{"title": "Ja", "payload": ""}]}]


def test_images_are_kept():
    events = [{"event": "bot", "text": "", "timestamp": 1, "data": {"image": "https://example.test/a.png"}}]
    assert visible_messages(events) == [
        {"sender": "bot", "text": "", "timestamp": 1, "image": "https://example.test/a.png"}]
