"""The web widget's channel: Rasa's socket.io protocol, with server-signed sessions.

Replaces Rasa 3.6's `SocketIOInput`, which
- turns the origin check off (`cors_allowed_origins=[]`): here only `WIDGET_ALLOWED_ORIGINS`;
- trusts the client's `session_id`: here the server issues `<conversation id>.<signature>`
  (`bot.channels.session_ids`), binds the socket to that conversation at `session_request`,
  and ignores any id sent with a message, so a copied id gets neither replies nor a say;
- sends nothing when a message failed: here every message ends with `bot_done`, after a
  `bot_error` in Dutch when no reply came;
- forgets the conversation on reload: here `history` replays it after `session_confirm`.
Messages pass `bot.message_guard` like REST, "1", "2", ... answer the last buttons, and a
visitor can ask for a one-time link to go on in Telegram (`continue_request`). Too many messages per
conversation or client address (bot/channels/rate_limit.py) get a Dutch `bot_uttered` saying to wait,
and are not processed.

Events, client -> server: `session_request {session_id}`, `user_uttered {message, customData}`,
`continue_request {}`. Server -> client: `session_confirm {session_id, continue_on_telegram}`,
`history {messages}`, `bot_uttered {text, buttons?, image?}`, `bot_done`, `bot_error {message}`,
`continue_link {url, expires_in_seconds}`, `continue_error {message}`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels import sanic_websockets
from bot.channels.history import visible_messages
from bot.channels.links import ChannelLinks
from bot.channels.rate_limit import ChatRateLimiter, limited_message, limiter_for_channel
from bot.channels.session_ids import SessionSigner
from bot.channels.tracker_buttons import resolve_numbered_reply
from bot.message_guard import DEFAULT_MAX_CHARS, EMPTY_REPLY, FAILURE_REPLY, TRUNCATED_REPLY, guard
from bot.secret_rules import secret_problem

logger = logging.getLogger(__name__)
sanic_websockets.apply()  # otherwise every websocket dies on Python 3.11 (see that module)

# A BCP 47 language tag as browsers send it ("nl", "nl-BE"): nothing else is stored with a message.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,2}")
DEFAULT_ALLOWED_ORIGINS = "http://localhost:8000,http://127.0.0.1:8000"
NOT_READY = "De verbinding is nog niet klaar. Een moment geduld, dan probeer ik het opnieuw."
CONTINUE_UNAVAILABLE = "Verder praten op Telegram kan hier (nog) niet."
CONTINUE_FAILED = "Het lukte nu even niet om een Telegram-link te maken. Probeer het zo nog eens."


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class WidgetOutput(OutputChannel):
    """Bot messages as the widget draws them, to every tab of the conversation (its room)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer) -> None:
        self.sio = sio
        self.sent = 0

    async def _emit(self, room: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.sio.emit("bot_uttered", message, room=room)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        shown = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]
        await self._emit(recipient_id, {"text": text, "buttons": shown})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"image": image})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if isinstance(json_message.get("text"), str):  # the widget shows text, not arbitrary JSON
            await self.send_text_message(recipient_id, json_message["text"])


class SignedSocketIOInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(
        self,
        allowed_origins: list[str] | None = None,
        session_secret: str | None = None,
        max_message_chars: int | None = None,
        telegram_bot_username: str | None = None,
        socketio_path: str = "/socket.io",
        links: ChannelLinks | None = None,
        rate_limiter: ChatRateLimiter | None = None,
    ) -> None:
        self.allowed_origins = allowed_origins if allowed_origins is not None else _split(
            os.environ.get("WIDGET_ALLOWED_ORIGINS") or DEFAULT_ALLOWED_ORIGINS)
        secret = session_secret or os.environ.get("WIDGET_SESSION_SECRET")
        problem = secret_problem("WIDGET_SESSION_SECRET", secret)
        if problem:
            raise RasaException(problem)  # a guessable key would let anyone sign themselves into any conversation
        self.signer = SessionSigner(secret)
        self.max_message_chars = int(max_message_chars or os.environ.get("MAX_MESSAGE_CHARS") or DEFAULT_MAX_CHARS)
        username = telegram_bot_username or os.environ.get("TELEGRAM_BOT_USERNAME") or ""
        self.telegram_bot_username = username.lstrip("@")
        self.socketio_path = socketio_path
        self._links = links
        self.rate_limiter = rate_limiter or limiter_for_channel()
        self.sio: AsyncServer | None = None
        self.app: Sanic | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedSocketIOInput:
        credentials = credentials or {}
        if credentials.get("session_persistence") is False:
            # Without it a reload would lose the conversation, and ids would come from the client.
            logger.warning("socketio: session_persistence is always on for the widget; ignoring false")
        origins = credentials.get("allowed_origins")
        return cls(
            allowed_origins=_split(origins) if isinstance(origins, str) else origins,
            max_message_chars=credentials.get("max_message_chars"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    @property
    def links(self) -> ChannelLinks:
        if self._links is None:
            self._links = ChannelLinks.from_env()
        return self._links

    def get_output_channel(self) -> OutputChannel | None:
        """For messages Rasa sends on its own (reminders, `trigger_intent`)."""
        return WidgetOutput(self.sio) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # None (not []) means "same origin only" to python-engineio; [] would mean "anyone".
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.allowed_origins or None)
        self.sio = sio
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @webhook.listener("after_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app  # the agent (tracker store) lives on it

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict[str, Any], _auth: Any = None) -> None:
            # The address messages are counted against (engine.io's REMOTE_ADDR is a placeholder).
            request = environ.get("sanic.request")
            peer = request.ip if request is not None else environ.get("REMOTE_ADDR")
            address = self.rate_limiter.client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))
            await sio.save_session(sid, {"address": address})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            offered = data.get("session_id") if isinstance(data, dict) else None
            conversation_id = self.signer.verify(offered)
            if conversation_id is None:
                conversation_id, session_id = self.signer.new_session()
            else:
                session_id = offered
            session = await sio.get_session(sid)
            previous = session.get("conversation_id")
            if previous and previous != conversation_id:
                await _maybe_await(sio.leave_room(sid, previous))
            await sio.save_session(sid, {**session, "conversation_id": conversation_id})
            await _maybe_await(sio.enter_room(sid, conversation_id))
            await sio.emit("session_confirm", {
                "session_id": session_id,
                "continue_on_telegram": bool(self.telegram_bot_username),
            }, room=sid)
            await sio.emit("history", {"messages": await self._history(conversation_id)}, room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Any) -> None:
            session = await sio.get_session(sid)
            conversation_id = session.get("conversation_id")
            if not conversation_id:
                await sio.emit("bot_error", {"message": NOT_READY}, room=sid)
                return
            refusal = await self.rate_limiter.acheck(sender=conversation_id, address=session.get("address"))
            if refusal is not None:
                # Only to the tab that sent it: the message is not in the conversation.
                await sio.emit("bot_uttered", {"text": limited_message(refusal.retry_after)}, room=sid)
                await sio.emit("bot_done", {}, room=sid)
                return
            message = guard(data.get("message") if isinstance(data, dict) else None, self.max_message_chars)
            output = WidgetOutput(sio)
            if message.is_empty:
                await output.send_text_message(conversation_id, EMPTY_REPLY)
            else:
                if message.truncated_from:
                    await output.send_text_message(
                        conversation_id, TRUNCATED_REPLY.format(limit=self.max_message_chars))
                await self._handle(on_new_message, output, conversation_id, message.text, data)
            await sio.emit("bot_done", {}, room=conversation_id)

        @sio.on("continue_request")
        async def continue_request(sid: str, _data: Any = None) -> None:
            conversation_id = (await sio.get_session(sid)).get("conversation_id")
            if not conversation_id or not self.telegram_bot_username:
                await sio.emit("continue_error", {"message": CONTINUE_UNAVAILABLE}, room=sid)
                return
            try:
                token = await asyncio.to_thread(self.links.issue, conversation_id)
            except Exception:
                logger.exception("socketio: issuing a Telegram link failed")
                await sio.emit("continue_error", {"message": CONTINUE_FAILED}, room=sid)
                return
            await sio.emit("continue_link", {
                "url": f"https://t.me/{self.telegram_bot_username}?start={token}",
                "expires_in_seconds": int(self.links.ttl_seconds),
            }, room=sid)

        return webhook

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], output: WidgetOutput,
                      conversation_id: str, text: str, data: dict[str, Any]) -> None:
        sent_before = output.sent
        try:
            agent = self.app.ctx.agent if self.app else None
            if agent is not None:
                text = await resolve_numbered_reply(agent, conversation_id, text)
            await on_new_message(UserMessage(text, output, conversation_id, input_channel=self.name(),
                                             metadata=_metadata(data)))
        except Exception:
            # Never the visitor's text in the log: it may hold personal data.
            logger.exception("socketio: handling a message failed")
        if output.sent == sent_before:
            # A failed action or a lock timeout: Rasa answered nothing. Say so instead of silence.
            await self.sio.emit("bot_error", {"message": FAILURE_REPLY}, room=conversation_id)

    async def _history(self, conversation_id: str) -> list[dict[str, Any]]:
        agent = self.app.ctx.agent if self.app else None
        if agent is None:
            return []
        try:
            tracker = await agent.tracker_store.retrieve(conversation_id)
        except Exception:
            logger.exception("socketio: reading the conversation back failed")
            return []
        if tracker is None:
            return []
        return visible_messages([event.as_dict() for event in tracker.events])


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    """Only what we use, from the widget's `customData`: never pass arbitrary client JSON on."""
    custom = data.get("customData") if isinstance(data.get("customData"), dict) else {}
    language = custom.get("language")
    metadata: dict[str, Any] = {"channel": "web"}
    if isinstance(language, str) and _LANGUAGE_TAG.fullmatch(language):
        metadata["language"] = language
    return metadata


async def _maybe_await(result: Any) -> None:
    # python-socketio 5.9 (pinned, RasaHQ/rasa#13027) has sync room calls; newer ones are coroutines.
    if inspect.isawaitable(result):
        await result
