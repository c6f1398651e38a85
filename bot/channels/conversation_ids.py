"""Which conversation a message may write into: each channel owns its own ids.

Rasa keys a conversation by its sender id alone, whatever the channel. Stock REST passes the
client's `sender` straight through, so a REST client that knew a Telegram chat id
(`telegram-<chat id>`, not a secret) or a widget conversation id could read that visitor's
answers back ("waar waren we?") and submit their lead. Here a REST sender always lands in its
own namespace, `rest-<sender>`; the widget's ids are server-signed (session_ids.py) and
Telegram's come from updates carrying the webhook secret. No id one channel accepts from a
client can name another channel's conversation.

Ids are checked before they reach the lock store, the rate limiter or the tracker store: a
short ASCII alphabet, so every store can encode and index them (see docs/security.md).
Plain Python: the channels and the tests share it.
"""

from __future__ import annotations

import re

REST_PREFIX = "rest-"
MAX_REST_SENDER_CHARS = 128
# Letters, digits and a few separators: enough for user ids, e-mail-like ids and UUIDs.
_REST_SENDER = re.compile(rf"[A-Za-z0-9._:@+-]{{1,{MAX_REST_SENDER_CHARS}}}")
BAD_SENDER = (f"Een geldige 'sender' is verplicht: 1 tot {MAX_REST_SENDER_CHARS} tekens, alleen letters, cijfers "
              "en . _ : @ + -")
# Telegram's chat ids fit in 52 bits (https://core.telegram.org/bots/api#chat).
MAX_TELEGRAM_CHAT_ID = 2**52


def rest_conversation_id(sender: object) -> str | None:
    """The conversation a REST `sender` writes into, or None when it is no acceptable sender."""
    if not isinstance(sender, str) or not _REST_SENDER.fullmatch(sender):
        return None
    return REST_PREFIX + sender


def telegram_conversation_id(chat_id: int) -> str:
    """A Telegram chat's own conversation (unless the chat continued a web conversation)."""
    return f"telegram-{chat_id}"


def is_telegram_chat_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_TELEGRAM_CHAT_ID
