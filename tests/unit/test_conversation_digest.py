"""The conversation index's rules without a database: how Rasa events fold into a staff list row
(digest.py), the flagged-messages export as NLU YAML, the CSV export's formula guard, and which
intents a message may be flagged with."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from bot.service.conversations import digest, export, intents, reading
from bot.service.conversations.digest import SEARCH_TEXT_LIMIT, Digest, RawEvent
from bot.service.conversations.flags import nlu_yaml
from bot.service.conversations.schemas import BotMessage, ConversationDetail, UserMessage
from tests.service.rasa_tracker import T0, action, bot, slot, user

DAY = 24 * 3600


def said(text: str, intent: str = "inform", timestamp: float = T0, channel: str = "rest",
         confidence: float = 0.9) -> dict[str, Any]:
    return user(text, intent, confidence, timestamp) | {"input_channel": channel}


def restarted(timestamp: float) -> dict[str, Any]:
    """Rasa's Restarted event: its type_name is "restart"."""
    return {"event": "restart", "timestamp": timestamp}


def raw(events: list[dict[str, Any]], sender: str = "s1", first_id: int = 1) -> list[RawEvent]:
    """Rows as Rasa's SQLTrackerStore writes them (tests/service/rasa_tracker.py does the same)."""
    return [
        RawEvent(
            id=first_id + n, sender_id=sender, type_name=event["event"], timestamp=event.get("timestamp"),
            intent_name=event.get("parse_data", {}).get("intent", {}).get("name"), action_name=event.get("name"),
            data=json.dumps(event),
        )
        for n, event in enumerate(events)
    ]


def fold(events: list[RawEvent]) -> list[Digest]:
    """What the indexer does with one sender's events: a new row whenever a new visit starts."""
    found: list[Digest] = []
    for event in events:
        if not found or found[-1].starts_new_conversation(event):
            found.append(Digest.start(event))
        found[-1].apply(event)
    return found


def one(events: list[dict[str, Any]]) -> Digest:
    [only] = fold(raw(events))
    return only


def odd(type_name: str, data: str | None, timestamp: float | None = T0, event_id: int = 1,
        intent_name: str | None = None) -> RawEvent:
    return RawEvent(event_id, "odd", type_name, timestamp, intent_name, None, data)


# --- channel ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rasa_channel", "shown"), [("socketio", "web"), ("telegram", "telegram"), ("rest", "rest")])
def test_rasa_channels_get_the_names_staff_use(rasa_channel: str, shown: str) -> None:
    found = one([action("action_session_start", T0), said("hoi", "greet", T0 + 1, rasa_channel)])

    assert found.channel == shown
    assert found.channels == f",{shown},"


def test_a_web_conversation_that_continues_on_telegram_lists_both_and_began_on_the_web() -> None:
    found = one([
        said("hoi", "greet", T0, "socketio"),
        said("ik wil leren presenteren", "need_skill", T0 + 5, "socketio"),
        said("hier ben ik weer", "resume_conversation", T0 + 60, "telegram"),
        said("in een groep", "inform", T0 + 70, "telegram"),
    ])

    assert found.channel == "web"
    assert found.channels == ",web,telegram,"
    assert [c for c in found.channels.split(",") if c] == ["web", "telegram"]


def test_unknown_or_missing_input_channels_are_no_channel() -> None:
    missing = said("hoi", "greet")
    del missing["input_channel"]
    found = one([said("hoi", "greet", T0, "cmdline"), missing, said("hallo", "greet", T0, None)])  # type: ignore[arg-type]

    assert found.channel is None and found.channels == ""
    assert found.user_messages == 3


# --- need, fallbacks, advice, hand-over --------------------------------------------------------------


def test_need_comes_from_the_first_need_intent() -> None:
    found = one([said("hoi", "greet"), said("ik wil leren presenteren", "need_skill"),
                 said("en ook coaching", "need_coaching")])

    assert found.need == "need_skill"


def test_the_need_slot_wins_over_the_intent() -> None:
    found = one([said("ik wil leren presenteren", "need_skill"), slot("need", "coaching", T0 + 1)])
    assert found.need == "need_coaching"

    slot_first = one([slot("need", "leadership", T0), said("ik wil leren presenteren", "need_skill", T0 + 1)])
    assert slot_first.need == "need_leadership"  # a later need intent does not overwrite what the assistant acted on

    nonsense = one([said("ik wil leren presenteren", "need_skill"), slot("need", "pizza", T0 + 1),
                    slot("need", 42, T0 + 2), slot("need", None, T0 + 3)])
    assert nonsense.need == "need_skill"


def test_a_question_about_the_forms_counts_as_the_need() -> None:
    assert one([said("wat is het verschil?", "ask_difference")]).need == "ask_difference"
    assert one([said("hoi", "greet"), said("doei", "goodbye")]).need is None


def test_fallbacks_are_counted() -> None:
    found = one([
        said("asdf", "nlu_fallback", confidence=0.2), said("hoi", "greet"), said("qwerty", "nlu_fallback"),
        bot("Dat begreep ik niet.", T0 + 1),
    ])

    assert (found.fallbacks, found.user_messages, found.bot_messages) == (2, 3, 1)


def test_a_guided_answer_asked_again_counts_as_not_understood() -> None:
    """Rasa read "maakt me ni uit" as `inform` 100 %, but the guided question had to be asked again."""
    found = one([
        said("maakt me ni uit, als het maar snel gaat", "inform", confidence=1.0),
        action("action_reask_question", T0 + 1), bot("Dat kon ik niet goed plaatsen.", T0 + 1),
        said("in een groep", "inform", T0 + 2), action("guidance_form", T0 + 3),
    ])

    assert (found.fallbacks, found.user_messages) == (1, 2)


def test_the_transcript_marks_what_the_assistant_did_not_understand() -> None:
    messages, _, _ = reading._read(raw([
        said("asdf", "nlu_fallback", confidence=0.2),
        said("maakt me ni uit", "inform", T0 + 1), action("action_reask_question", T0 + 2),
        said("in een groep", "inform", T0 + 3),
    ]), {})

    assert [m.understood for m in messages if isinstance(m, UserMessage)] == [False, False, True]


def test_the_intent_column_is_used_when_parse_data_has_none() -> None:
    event = odd("user", json.dumps({"event": "user", "text": "asdf", "parse_data": {"intent": "x"}}),
                intent_name="nlu_fallback")
    found = Digest.start(event)
    found.apply(event)

    assert found.fallbacks == 1


def test_recommendation_and_guidance_variant_follow_the_slots() -> None:
    found = one([said("ik wil groeien", "need_personal_growth"), slot("recommendation", "mentoring", T0 + 1),
                 slot("guidance_variant", "personal_growth", T0 + 1)])
    assert (found.recommendation, found.guidance_variant) == ("mentoring", "personal_growth")

    changed = one([said("hoi", "greet"), slot("recommendation", "coaching", T0 + 1),
                   slot("recommendation", "training", T0 + 2)])
    assert changed.recommendation == "training"

    reset = one([said("hoi", "greet"), slot("recommendation", "coaching", T0 + 1), slot("recommendation", None, T0 + 2),
                 slot("guidance_variant", "x" * 33, T0 + 2)])
    assert (reset.recommendation, reset.guidance_variant) == (None, None)

    unknown = one([said("hoi", "greet"), slot("recommendation", "therapie", T0 + 1),
                   slot("guidance_variant", ["career"], T0 + 1)])
    assert (unknown.recommendation, unknown.guidance_variant) == (None, None)


@pytest.mark.parametrize(("name", "value", "handed_over"), [
    ("lead_reference", "MW-7K3Q", True),
    ("lead_queued", True, True),
    ("lead_reference", None, False),
    ("lead_queued", False, False),
    ("lead_reference", "", False),
    ("email", "anna@voorbeeld.nl", False),
])
def test_handed_over_means_a_lead_was_made_or_queued(name: str, value: object, handed_over: bool) -> None:
    assert one([said("ja, verstuur maar", "affirm"), slot(name, value, T0 + 1)]).handed_over is handed_over


def test_handed_over_stays_once_a_lead_was_made() -> None:
    found = one([said("ja", "affirm"), slot("lead_reference", "MW-1", T0 + 1), slot("lead_reference", None, T0 + 2)])

    assert found.handed_over is True


# --- one conversation or two -------------------------------------------------------------------------


def test_a_session_start_after_user_messages_is_a_new_conversation() -> None:
    events = raw([
        action("action_session_start", T0), action("action_listen", T0),
        said("ik wil leren presenteren", "need_skill", T0 + 1), bot("Fijn!", T0 + 2),
        action("action_session_start", T0 + DAY), action("action_listen", T0 + DAY),
        said("ik ben er weer", "greet", T0 + DAY + 1),
    ])

    first, second = fold(events)

    assert (first.first_event_id, first.last_event_id) == (1, 4)
    assert (second.first_event_id, second.last_event_id) == (5, 7)
    assert (first.user_messages, first.bot_messages, first.need) == (1, 1, "need_skill")
    assert (second.user_messages, second.bot_messages, second.need) == (1, 0, None)
    assert second.started_at == datetime.fromtimestamp(T0 + DAY, UTC)
    assert first.last_active_at == datetime.fromtimestamp(T0 + 2, UTC)


def test_session_starts_before_anything_was_said_are_the_same_conversation() -> None:
    found = fold(raw([
        action("action_session_start", T0), action("action_listen", T0),
        action("action_session_start", T0 + 3600), action("action_listen", T0 + 3600),  # opened the widget twice
        said("hoi", "greet", T0 + 3601),
    ]))

    assert len(found) == 1
    assert found[0].started_at == datetime.fromtimestamp(T0, UTC)
    assert found[0].last_active_at == datetime.fromtimestamp(T0 + 3601, UTC)


def test_a_restart_keeps_the_conversation_until_the_visitor_writes_again() -> None:
    found = fold(raw([
        action("action_session_start", T0), said("ik wil leren presenteren", "need_skill", T0 + 1),
        said("/restart", "restart", T0 + 2), action("action_restart", T0 + 2), restarted(T0 + 2),
        action("action_session_start", T0 + 2),  # Rasa runs a session start after a restart
        said("opnieuw: ik wil coaching", "need_coaching", T0 + 3),
        action("action_session_start", T0 + DAY),  # a visit the next day is new again
        said("hallo", "greet", T0 + DAY + 1),
    ]))

    assert len(found) == 2
    assert found[0].user_messages == 3 and found[0].restart_pending is False
    assert found[1].user_messages == 1


def test_restart_pending_is_remembered_between_batches() -> None:
    """The indexer stores `restart_pending` on the row, so a session start in the next batch still folds in."""
    events = raw([said("hoi", "greet", T0), restarted(T0 + 1), action("action_session_start", T0 + 1)])
    first = Digest.start(events[0])
    for event in events[:2]:
        first.apply(event)
    reloaded = Digest(**{name: getattr(first, name) for name in Digest.columns()})

    assert reloaded.restart_pending is True
    assert not reloaded.starts_new_conversation(events[2])


def test_columns_are_the_digest_fields() -> None:
    assert Digest.columns()[:3] == ("sender_id", "first_event_id", "last_event_id")
    assert "search_text" in Digest.columns() and "restart_pending" in Digest.columns()


# --- the visitor's words -------------------------------------------------------------------------------


def test_button_payloads_are_not_words() -> None:
    found = one([
        said('/inform{"setting": "group"}', "inform", T0),
        said("/affirm", "affirm", T0 + 1),
        said("Ik wil Beter PRESENTEREN", "need_skill", T0 + 2),
        said('/inform{"horizon": "long"}', "inform", T0 + 3),
        said("In een groep", "inform", T0 + 4),
    ])

    assert found.user_messages == 5
    assert found.first_message == "Ik wil Beter PRESENTEREN"  # as typed
    assert found.search_text == "ik wil beter presenteren\nin een groep"  # lower-cased for the search
    assert "inform" not in found.search_text and "{" not in found.search_text


def test_only_buttons_leave_no_first_message() -> None:
    found = one([said('/inform{"setting": "group"}'), said("")])

    assert found.first_message is None and found.search_text == ""
    assert found.user_messages == 2


def test_the_first_message_and_the_search_text_are_bounded() -> None:
    long_words = "Woord " * 1000  # 6000 characters
    found = one([said(long_words, "out_of_scope", T0 + n) for n in range(10)])

    assert len(found.first_message) == digest.FIRST_MESSAGE_LIMIT
    assert found.first_message == long_words[: digest.FIRST_MESSAGE_LIMIT]
    assert len(found.search_text) == SEARCH_TEXT_LIMIT
    assert found.search_text.startswith("woord woord")
    assert found.user_messages == 10

    later = raw([said("een naald in de hooiberg", "inform", T0 + 99)], first_id=100)[0]
    found.apply(later)
    assert len(found.search_text) == SEARCH_TEXT_LIMIT and "naald" not in found.search_text
    assert found.user_messages == 11


# --- whatever is in the tracker store ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        None, "", "{not json", "[1, 2, 3]", '"een string"', "null", "42",
        '{"event": "user", "text": 42, "parse_data": {"intent": "x"}}',
        '{"event": "user", "text": null, "parse_data": null, "input_channel": ["socketio"]}',
        '{"event": "user", "text": "hoi", "parse_data": {"intent": {"name": 7, "confidence": "hoog"}}}',
        '{"event": "user", "text": "NaN ok", "parse_data": {"intent": {"name": "greet", "confidence": NaN}}}',
        '{"event": "user", "text": "inf", "timestamp": Infinity, "parse_data": {"intent": -Infinity}}',
        '{"event": "user", "timestamp": ' + "9" * 5000 + "}",  # beyond Python's int-from-string limit
        '{"event": "user", "timestamp": ' + "9" * 400 + "}",  # an int beyond any float
        '{"event": "user", "timestamp": 1e999}',
        "[" * 100_000 + "]" * 100_000,  # nested deeper than the parser's recursion limit
        '{"event": "user", "text": "\\ud800 eenzaam surrogaat"}',
    ],
    ids=["none", "empty", "broken", "list", "string", "null", "number", "text-not-str", "nulls",
         "name-not-str", "nan", "infinity", "huge-int-string", "huge-int", "huge-float", "deep", "surrogate"],
)
def test_unreadable_user_events_do_not_crash(data: str | None) -> None:
    event = odd("user", data, timestamp=None)
    found = Digest.start(event)
    found.apply(event)

    assert found.user_messages == 1
    assert found.started_at == found.last_active_at
    assert isinstance(found.search_text, str)


@pytest.mark.parametrize("data", [None, "{not json", '{"name": "recommendation", "value": NaN}',
                                  '{"name": ["need"], "value": "skill"}', '{"name": "need", "value": {"a": 1}}',
                                  '{"name": "guidance_variant", "value": Infinity}'])
def test_unreadable_slot_events_do_not_crash(data: str | None) -> None:
    event = odd("slot", data)
    found = Digest.start(event)
    found.apply(event)

    assert (found.need, found.recommendation, found.guidance_variant, found.handed_over) == (None, None, None, False)


@pytest.mark.parametrize("timestamp", [1e300, -1e300, float("nan"), float("inf"), 2**70])
def test_impossible_timestamps_read_as_the_epoch(timestamp: float) -> None:
    event = odd("bot", '{"event": "bot", "text": "ok"}', timestamp=timestamp)

    assert Digest.start(event).started_at == datetime.fromtimestamp(0, UTC)


def test_the_json_timestamp_is_used_when_the_column_is_empty() -> None:
    event = odd("bot", json.dumps({"event": "bot", "timestamp": T0 + 5}), timestamp=None)

    assert Digest.start(event).started_at == datetime.fromtimestamp(T0 + 5, UTC)
    assert Digest.start(odd("bot", '{"timestamp": true}', timestamp=None)).started_at == datetime.fromtimestamp(0, UTC)


def test_lone_surrogates_become_replacement_characters_and_emoji_stay() -> None:
    """Rasa stores JSON with ASCII escapes: "\\ud800" alone cannot be written to a database as UTF-8."""
    loaded = digest.load('{"text": "hoi \\ud800 daar \\ud83d\\ude42", "\\udfff": ["\\udc00"], "n": 1}')

    [key] = [name for name in loaded if name not in ("text", "n")]
    for value in (loaded["text"], key, loaded[key][0]):
        assert "\ufffd" in value and value.encode("utf-8")  # no surrogate left: storable
    assert loaded["text"].startswith("hoi \ufffd") and loaded["text"].endswith(" daar 🙂") and loaded["n"] == 1
    assert digest.load('{"text": "emoji \\ud83d\\ude42"}') == {"text": "emoji 🙂"}  # a pair is one character
    event = odd("user", '{"event": "user", "text": "A\\ud800B", "input_channel": "rest"}')
    found = Digest.start(event)
    found.apply(event)
    assert found.first_message.startswith("A\ufffd") and found.first_message.endswith("B")
    assert found.search_text == found.first_message.lower()
    assert found.first_message.encode("utf-8") and found.search_text.encode("utf-8")


def test_load_reads_nan_as_null_and_refuses_what_is_not_an_object() -> None:
    assert digest.load('{"a": NaN, "b": Infinity, "c": -Infinity}') == {"a": None, "b": None, "c": None}
    assert digest.load("[1]") == {} and digest.load(None) == {} and digest.load("\x00") == {}


@pytest.mark.parametrize(("value", "expected"), [
    (1, 1.0), (0.5, 0.5), (True, None), (None, None), ("0.9", None), (float("nan"), None), (float("inf"), None),
    (10**400, None), ([0.9], None),
])
def test_number(value: object, expected: float | None) -> None:
    assert digest.number(value) == expected


def test_events_out_of_time_order_keep_the_latest_moment() -> None:
    found = one([said("hoi", "greet", T0 + 10), bot("Hoi!", T0 + 5)])

    assert found.last_active_at == datetime.fromtimestamp(T0 + 10, UTC)
    assert found.started_at == datetime.fromtimestamp(T0 + 10, UTC)


# --- flagged messages as NLU training data -----------------------------------------------------------------


def flagged(text: str, intent: str) -> SimpleNamespace:
    return SimpleNamespace(text=text, correct_intent=intent)


def examples(document: str) -> dict[str, list[str]]:
    """The NLU file as Rasa reads it: intent -> its example texts."""
    parsed = yaml.safe_load(document)
    assert parsed["version"] == "3.1"
    found: dict[str, list[str]] = {}
    for block in parsed["nlu"]:
        assert set(block) == {"intent", "examples"}
        lines = block["examples"].splitlines()
        assert all(line.startswith("- ") for line in lines), lines
        found[block["intent"]] = [line[2:] for line in lines]
    return found


EXPORTED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_nlu_yaml_groups_by_intent_and_lists_each_text_once() -> None:
    document = nlu_yaml([
        flagged("ik wil leren pitchen", "need_skill"),
        flagged("hoe lang duurt het?", "ask_difference/duration"),
        flagged("ik wil leren pitchen", "need_skill"),
        flagged("  ik   wil leren pitchen ", "need_skill"),  # the same once the spaces are tidied
        flagged("beter onderhandelen", "need_skill"),
        flagged("ik wil leren pitchen", "need_coaching"),  # the same text under another intent stays
    ], EXPORTED_AT)

    assert examples(document) == {
        "ask_difference/duration": ["hoe lang duurt het?"],
        "need_coaching": ["ik wil leren pitchen"],
        "need_skill": ["beter onderhandelen", "ik wil leren pitchen"],
    }
    assert list(examples(document)) == sorted(examples(document))  # a stable order
    assert document.startswith("# ") and "2026-11-27 09:30" in document.splitlines()[1]


def test_nlu_yaml_makes_every_text_one_line() -> None:
    document = nlu_yaml([
        flagged("regel een\nregel twee\r\nregel drie", "inform"),
        flagged("tab\there\x00nul\x1bescape\x7fdel\x85nel\u2028ls\u2029ps", "inform"),
        flagged("\n\x00\t  ", "inform"),  # nothing left: left out
    ], EXPORTED_AT)

    assert examples(document) == {"inform": ["regel een regel twee regel drie", "tab here nul escape del nel ls ps"]}


@pytest.mark.parametrize("text", [
    "- foo: [bar]", "# x", '"quoted"', "'single'", "key: value", "{a: 1}", "&anchor *alias !tag", "|", ">",
    "--- document", "... end", "% directive", "@home `tick`", "emoji 🙂 en é", "<script>alert('x')</script>",
    "a \\n b", "100% zeker_weten", "-", "?", "ends with colon:", "tab:\tgone".replace("\t", " "),
])
def test_nlu_yaml_texts_survive_the_round_trip(text: str) -> None:
    document = nlu_yaml([flagged(text, "inform"), flagged("gewoon", "greet")], EXPORTED_AT)

    assert examples(document) == {"greet": ["gewoon"], "inform": [text]}


def test_nlu_yaml_without_flags_is_empty_training_data() -> None:
    assert yaml.safe_load(nlu_yaml([], EXPORTED_AT)) == {"version": "3.1", "nlu": []}


# --- CSV export --------------------------------------------------------------------------------------------


def conversation_with(*texts: str, buttons: tuple[str, ...] = ()) -> ConversationDetail:
    moment = datetime.fromtimestamp(T0, UTC)
    messages: list[UserMessage | BotMessage] = [
        UserMessage(event_id=n + 1, time=moment, text=text, intent="inform", confidence=0.5, flag=None)
        for n, text in enumerate(texts)
    ]
    messages.append(BotMessage(event_id=999, time=moment, text="=1+1", buttons=list(buttons)))
    messages.append(UserMessage(event_id=1000, time=moment, text=None, intent=None, confidence=None, flag=None))
    return ConversationDetail(
        id=1, sender_id="csv-1", started_at=moment, last_active_at=moment, channel="web", channels=["web"],
        need=None, recommendation=None, guidance_variant=None, handed_over=False, user_messages=len(texts),
        fallbacks=0, first_message=None, reviewed_at=None, reviewed_by=None, tags=[], lead=None, messages=messages,
        slots={}, advice=None, notes=[], flags=[], other_conversations=[],
    )


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    dangerous = ["=SUM(A1:A9)", "+31 6 12345678", "-2+3", "@cmd", "\tTAB", "\r=1", '=HYPERLINK("http://x","klik")']
    harmless = ["gewoon tekst", "1+1=2", "e-mail: a@b.nl", ""]
    body = export.as_csv(conversation_with(*dangerous, *harmless, buttons=("=EVIL()", "ok")))

    header, *rows = list(csv.reader(io.StringIO(body)))
    assert tuple(header) == export.CSV_COLUMNS
    texts = [row[2] for row in rows]
    assert texts[: len(dangerous)] == ["'" + text for text in dangerous]
    assert texts[len(dangerous): len(dangerous) + len(harmless)] == harmless
    bot_row = rows[len(dangerous) + len(harmless)]
    assert bot_row[1] == "assistent" and bot_row[2] == "'=1+1" and bot_row[5] == "'=EVIL() | ok"
    assert rows[0][1] == "bezoeker" and rows[0][3] == "inform" and rows[0][4] == "0.500"
    assert rows[-1][2:5] == ["", "", ""]  # a message without text or intent
    for row in rows:
        assert not row[0].startswith(export.FORMULA_START)  # the time column is ISO, never a formula


def test_json_export_is_the_detail_as_typed() -> None:
    detail = conversation_with("<b>vet</b> & \"quotes\" \\ 🙂")

    parsed = json.loads(export.as_json(detail))

    assert parsed["messages"][0]["text"] == "<b>vet</b> & \"quotes\" \\ 🙂"
    assert parsed["messages"][-2]["text"] == "=1+1"  # JSON is data, not a spreadsheet: no guard needed


# --- intents a message may be flagged with ----------------------------------------------------------------------


def test_known_intents_are_the_domains_with_retrieval_sub_intents() -> None:
    known = intents.known_intents()

    assert "need_skill" in known and "greet" in known and "inform" in known
    assert "ask_difference/duration" in known and "ask_difference/coaching_vs_mentoring" in known
    assert "ask_difference" not in known
    assert "nlu_fallback" not in known
    assert len(known) == len(set(known))
    assert [name for name in known if name.startswith("ask_difference/")] == sorted(
        name for name in known if name.startswith("ask_difference/"))


def test_known_intents_read_any_domain_file(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        "intents:\n  - greet\n  - nlu_fallback\n  - faq:\n      use_entities: []\n  - chitchat\n"
        "responses:\n  utter_faq/b:\n  - text: b\n  utter_faq/a:\n  - text: a\n  utter_greet:\n  - text: hoi\n"
        "  utter_unknown/x:\n  - text: x\n",
        encoding="utf-8",
    )

    assert intents.known_intents(domain) == ("greet", "faq/a", "faq/b", "chitchat")
