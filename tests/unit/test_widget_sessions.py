"""Widget session ids are issued and signed by the server (bot/channels/session_ids.py)."""

from __future__ import annotations

import pytest

from bot.channels.session_ids import SessionSigner

signer = SessionSigner("a-secret-for-tests")


def test_a_new_session_verifies_to_its_conversation():
    conversation_id, session_id = signer.new_session()
    assert signer.verify(session_id) == conversation_id
    assert len(conversation_id) == 32 and session_id.startswith(conversation_id + ".")


def test_every_new_session_is_another_conversation():
    assert len({signer.new_session()[0] for _ in range(200)}) == 200


def test_an_id_signed_with_another_secret_is_refused():
    _, foreign = SessionSigner("someone-elses-secret").new_session()
    assert signer.verify(foreign) is None


@pytest.mark.parametrize("forged", [
    None, "", 42, ["x"], "abc", "0" * 32, "0" * 32 + ".", "0" * 32 + ".AAAA",
    "../../etc/passwd.x", "A" * 32 + ".x", "x" * 5000,
])
def test_unsigned_or_malformed_ids_are_refused(forged):
    assert signer.verify(forged) is None


def test_a_tampered_conversation_id_is_refused():
    conversation_id, session_id = signer.new_session()
    other = ("f" if conversation_id[0] != "f" else "e") + conversation_id[1:]
    assert signer.verify(other + session_id[32:]) is None


def test_the_stock_rasa_uuid_session_id_is_not_accepted():
    """Stock clients send a bare uuid4 hex: it gets a new, signed session instead."""
    assert signer.verify("3f2b9c1e6a7d4e0f8b5a2c9d1e0f3a4b") is None


def test_a_secret_is_required():
    with pytest.raises(ValueError):
        SessionSigner("")
