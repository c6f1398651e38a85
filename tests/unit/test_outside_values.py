"""Values from outside, checked before they reach Rasa's stores, and secrets no process accepts.

The end-to-end proof (each bad value through every channel, then a normal conversation on the same
Rasa) is tests/e2e/test_hostile_input.py; these pin the rules themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.channels.conversation_ids import is_telegram_chat_id, rest_conversation_id
from bot.channels.session_ids import SessionSigner
from bot.channels.telegram_updates import Kind, parse_update
from bot.local_secrets import ensure_local_secrets
from bot.message_guard import clean_text, guard, is_storable
from bot.rasa_server import secret_problems
from bot.secret_rules import SECRETS, secret_problem

STRONG = "Vb7kQ2xLr9Tz4WmN8pYc3HdJ6fGs1aE5"


@pytest.mark.parametrize("raw, cleaned", [
    ("hoi\ud800", "hoi\ufffd"),  # a lone surrogate: valid JSON, no valid UTF-8
    ("\udc00\udbff", "\ufffd\ufffd"),
    ("a\x00b\x07c\x1b[31md\x7fe\x85f", "abc[31mdef"),  # NUL, BEL, ESC, DEL, C1
    ("regel 1\nregel 2\tmet tab\r\n", "regel 1\nregel 2\tmet tab\r\n"),  # kept: people type these
    ("Zoë wil één ding 😀", "Zoë wil één ding 😀"),  # real characters untouched
])
def test_text_is_cleaned_to_what_every_store_can_encode(raw: str, cleaned: str) -> None:
    assert clean_text(raw) == cleaned
    cleaned.encode("utf-8")  # would raise for a surrogate
    assert guard(raw).text == cleaned


def test_storable_tells_clean_text_from_text_that_needs_cleaning() -> None:
    assert is_storable("gewoon tekst, met é en 😀\n")
    assert not is_storable("x\ud800") and not is_storable("x\x00") and not is_storable("x\x9b")


@pytest.mark.parametrize("sender", ["anna", "e2e-0f3a", "user@example.nl", "8d1c:42", "A.B_c+d", "a" * 128])
def test_rest_senders_live_in_their_own_namespace(sender: str) -> None:
    assert rest_conversation_id(sender) == f"rest-{sender}"


@pytest.mark.parametrize("sender", [
    "", " ", "anna\n", "x\ud800", "a" * 129, "an na", "<b>", "anna/../x", "zoë", "\x00", 42, None, ["a"],
])
def test_unusable_rest_senders_are_refused(sender: object) -> None:
    assert rest_conversation_id(sender) is None


def test_no_rest_sender_can_name_a_telegram_or_widget_conversation() -> None:
    widget_id, _ = SessionSigner(STRONG).new_session()
    for target in ("telegram-123456789", widget_id):
        assert rest_conversation_id(target) != target


@pytest.mark.parametrize("chat_id, accepted", [
    (123456789, True), (-1001234567890, True), (2**52 - 1, True), (2**52, False), (10**400, False),
    (True, False), ("123", False), (1.5, False),
])
def test_telegram_chat_ids_are_bounded_integers(chat_id: object, accepted: bool) -> None:
    assert is_telegram_chat_id(chat_id) is accepted
    update = parse_update({"update_id": 1, "message": {"chat": {"id": chat_id, "type": "private"}, "text": "hoi"}})
    assert (update.kind == Kind.TEXT) is accepted


def test_a_forged_telegram_update_comes_out_storable() -> None:
    update = parse_update({"update_id": 2, "message": {
        "chat": {"id": 7, "type": "private"}, "text": "hoi\ud800\x00",
        "from": {"first_name": "Zo\udce9", "language_code": "nl\x1b"}}})
    assert update.text == "hoi\ufffd" and update.first_name == "Zo\ufffd" and update.language == "nl"


@pytest.mark.parametrize("session_id", ["é" * 20, "0" * 32 + ".\ud800", "0" * 32 + "\n.abc", "\x00"])
def test_a_widget_session_id_with_odd_characters_is_simply_not_ours(session_id: str) -> None:
    assert SessionSigner(STRONG).verify(session_id) is None


# --- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, says", [
    (None, "is not set"), ("", "is not set"), ("dev-service-token-change-me", "placeholder"),
    ("change-me", "placeholder"), ("x" * 40, "placeholder"), ("kort", "too short"),
    ("abababababababababababababababababab", "too easy"), (STRONG + " ", "spaces"),
])
def test_weak_secrets_are_refused_with_the_settings_name(value: str | None, says: str) -> None:
    problem = secret_problem("ACTION_SERVER_TOKEN", value)
    assert problem is not None and problem.startswith("ACTION_SERVER_TOKEN") and says in problem


def test_rasa_run_needs_its_secrets_but_training_does_not() -> None:
    good = {"ACTION_SERVER_TOKEN": STRONG + "a", "WIDGET_SESSION_SECRET": STRONG + "w"}
    assert secret_problems(["run"], good) == []
    assert secret_problems(["train"], {}) == []
    missing = secret_problems(["run"], {"WIDGET_SESSION_SECRET": "change-me"})
    assert any(p.startswith("ACTION_SERVER_TOKEN is not set") for p in missing)
    assert any(p.startswith("WIDGET_SESSION_SECRET is a placeholder") for p in missing)
    assert secret_problems(["run"], {**good, "RASA_AUTH_TOKEN": "short"}) == [
        "RASA_AUTH_TOKEN is too short: at least 32 characters"]


def test_make_run_generates_each_missing_secret_once(tmp_path: Path) -> None:
    first = ensure_local_secrets(tmp_path / "secrets", environ={})
    assert set(first) == set(SECRETS)
    assert all(secret_problem(name, value) is None for name, value in first.items())
    assert len(set(first.values())) == len(first), "one value per secret"
    assert ensure_local_secrets(tmp_path / "secrets", environ={}) == first, "kept across restarts"
    assert all(os.stat(tmp_path / "secrets" / name).st_mode & 0o077 == 0 for name in SECRETS), "owner only"


def test_a_secret_from_the_environment_wins_and_is_checked(tmp_path: Path) -> None:
    given = ensure_local_secrets(tmp_path / "secrets", environ={"SERVICE_TOKEN": STRONG})
    assert given["SERVICE_TOKEN"] == STRONG and not (tmp_path / "secrets" / "SERVICE_TOKEN").exists()
    with pytest.raises(ValueError, match="SERVICE_TOKEN is a placeholder"):
        ensure_local_secrets(tmp_path / "secrets", environ={"SERVICE_TOKEN": "dev-service-token-change-me"})
    (tmp_path / "secrets" / "STAFF_SECRET_KEY").write_text("changeme\n")
    with pytest.raises(ValueError, match="STAFF_SECRET_KEY"):
        ensure_local_secrets(tmp_path / "secrets", environ={})
