"""Session ids for the web widget, issued and signed by the server.

Stock Rasa takes whatever `session_id` a socket.io client sends: a second client that sends
someone else's id gets their replies and writes into their conversation. Here the client only
ever holds `<conversation id>.<signature>`; an id without a valid signature is replaced by a
new one. The conversation id (Rasa's sender id) is random and never derived from the client.
Plain Python: the channel and the tests share it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_CONVERSATION_ID = re.compile(r"[0-9a-f]{32}")
_SIGNATURE_BYTES = 18  # 144 bits: unforgeable, and the whole id stays short


class SessionSigner:
    def __init__(self, secret: str | bytes) -> None:
        if not secret:
            raise ValueError("a session signing secret is required")
        self._key = secret.encode("utf-8") if isinstance(secret, str) else secret

    def _signature(self, conversation_id: str) -> str:
        digest = hmac.new(self._key, b"widget-session:" + conversation_id.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode("ascii")

    def new_session(self) -> tuple[str, str]:
        """A fresh (conversation id, signed session id) pair."""
        conversation_id = secrets.token_hex(16)
        return conversation_id, self.sign(conversation_id)

    def sign(self, conversation_id: str) -> str:
        return f"{conversation_id}.{self._signature(conversation_id)}"

    def verify(self, session_id: object) -> str | None:
        """The conversation id when `session_id` is one we signed, else None."""
        if not isinstance(session_id, str) or len(session_id) > 128 or not session_id.isascii():
            return None  # compare_digest refuses non-ASCII text: such an id is simply not ours
        conversation_id, _, signature = session_id.partition(".")
        if not _CONVERSATION_ID.fullmatch(conversation_id):
            return None
        return conversation_id if hmac.compare_digest(signature, self._signature(conversation_id)) else None
