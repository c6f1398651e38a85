"""The REST channel (`/webhooks/rest/webhook`), hardened.

Replaces Rasa's stock RestInput, which joins requests without a sender into
one shared conversation "default", answers 500 to a JSON list, logs the
user's text on errors, and answers `[]` when something failed. Here:
- the body must be a JSON object with a `sender` of letters, digits and `._:@+-` (else 400, in
  Dutch); the sender's conversation is `rest-<sender>` (bot/channels/conversation_ids.py), so no
  REST request can write into a widget or Telegram conversation;
- `metadata`, when given, is a small JSON object of storable text (else 400);
- the message goes through `bot.message_guard` (length cap, no typed `/intent`);
- every message gets at least one reply: an empty answer from Rasa means a
  failed action or lock, and the user is told so instead of seeing nothing;
- "1", "2", ... answer the buttons of the bot's last message (clients without buttons);
- too many messages per sender or client address (bot/channels/rate_limit.py): 429 with
  Retry-After and a Dutch `error`, and the message is not processed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.conversation_ids import BAD_SENDER, rest_conversation_id
from bot.channels.rate_limit import ChatRateLimiter, limited_message, limiter_for_channel
from bot.channels.request_body import BodyProblem, json_object
from bot.channels.tracker_buttons import resolve_numbered_reply
from bot.message_guard import DEFAULT_MAX_CHARS, EMPTY_REPLY, FAILURE_REPLY, TRUNCATED_REPLY, guard, is_storable

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_METADATA_BYTES = 4 * 1024
BAD_METADATA = "'metadata' moet een klein JSON-object met gewone tekst zijn."


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _bot_text(recipient: str, text: str) -> dict[str, Any]:
    return {"recipient_id": recipient, "text": text}


def _metadata_problem(metadata: object) -> bool:
    """True when `metadata` cannot be stored with the message: no object, too big, or unstorable text."""
    if not isinstance(metadata, dict):
        return True
    try:
        encoded = json.dumps(metadata, ensure_ascii=False)
        size = len(encoded.encode("utf-8"))  # a lone surrogate fails here
    except (TypeError, ValueError):
        return True
    return size > MAX_METADATA_BYTES or not is_storable(encoded)


def _forwarded_for(request: Request) -> str:
    return ",".join(request.headers.getall("x-forwarded-for", []))


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, max_message_chars: int | None = None, rate_limiter: ChatRateLimiter | None = None) -> None:
        configured = os.environ.get("MAX_MESSAGE_CHARS")
        self.max_message_chars = int(max_message_chars or configured or DEFAULT_MAX_CHARS)
        self.rate_limiter = rate_limiter or limiter_for_channel()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls((credentials or {}).get("max_message_chars"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object(request, MAX_BODY_BYTES)
            if body is BodyProblem.TOO_LARGE:
                return _error(413, "Dit bericht is te groot.")
            if body is BodyProblem.NOT_AN_OBJECT:
                return _error(400, "Stuur een JSON-object met 'sender' en 'message'.")
            sender = body.get("sender")
            conversation_id = rest_conversation_id(sender)
            if conversation_id is None:
                return _error(400, BAD_SENDER)
            metadata = body.get("metadata")
            if metadata is not None and _metadata_problem(metadata):
                return _error(400, BAD_METADATA)

            address = self.rate_limiter.client_address(request.ip, _forwarded_for(request))
            refusal = await self.rate_limiter.acheck(sender=conversation_id, address=address)
            if refusal is not None:
                logger.debug("rest channel: message refused, too many per %s", refusal.scope)
                limited = _error(429, limited_message(refusal.retry_after))
                limited.headers["Retry-After"] = str(refusal.retry_after)
                return limited

            message = guard(body.get("message"), self.max_message_chars)
            if message.is_empty:
                return response.json([_bot_text(sender, EMPTY_REPLY)])

            collector = CollectingOutputChannel()
            try:
                text = await resolve_numbered_reply(request.app.ctx.agent, conversation_id, message.text)
                await on_new_message(
                    UserMessage(text, collector, conversation_id,
                                input_channel=self.name(), metadata=metadata)
                )
            except Exception:
                # Never the user's text in the log: it may hold personal data.
                logger.exception("rest channel: handling a message failed")
                collector.messages.clear()

            # Addressed to the sender the client knows, not to the namespaced conversation.
            replies = [{**reply, "recipient_id": sender} for reply in collector.messages]
            if message.truncated_from:
                replies.insert(0, _bot_text(sender, TRUNCATED_REPLY.format(limit=self.max_message_chars)))
            if not any(reply.get("text") or reply.get("buttons") for reply in collector.messages):
                replies.append(_bot_text(sender, FAILURE_REPLY))
            return response.json(replies)

        return webhook
