"""The Telegram channel (`/webhooks/telegram/webhook`), written on the model of Rasa's own.

Rasa 3.6's TelegramInput calls setWebhook at start-up (blocking, on a loop that is then
closed), asks Telegram `getMe` on every update, never checks Telegram's secret-token header
and lets a button inject any `/intent{...}`. Here:
- the `X-Telegram-Bot-Api-Secret-Token` header must equal TELEGRAM_WEBHOOK_SECRET (else 403);
  without TELEGRAM_BOT_TOKEN the webhook answers 404 and nothing calls Telegram;
- the webhook is registered in the background after the server started (never blocks start);
- buttons become inline keyboards; a tap is answered at once (or it keeps spinning), its
  keyboard removed, and its payload goes through `bot.message_guard` like typed text;
- `/start` begins, `/start <token>` continues a web conversation (bot/channels/links.py),
  `/opnieuw` restarts, "2" answers the second button of the last question;
- too many messages in one chat (CHAT_RATE_LIMIT_PER_SENDER, bot/channels/rate_limit.py) are not
  processed: the chat is told once per window to wait, and Telegram still gets 200;
- every update gets 200, also ones we ignore (Telegram retries others and queues the rest
  behind them); a retried update_id is handled once; bad JSON gets 400, never a 500.
The Bot API is reached at TELEGRAM_API_URL, so tests use a local server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.conversation_ids import telegram_conversation_id
from bot.channels.links import ChannelLinks
from bot.channels.numbered import numbered_text
from bot.channels.rate_limit import ChatRateLimiter, OncePerWindow, Refusal, limited_message, limiter_for_channel
from bot.channels.request_body import BodyProblem, json_object
from bot.channels.telegram_api import TelegramApi, TelegramApiError, TelegramUnavailable
from bot.channels.telegram_setup import TelegramConfigError, TelegramSettings, set_webhook_params
from bot.channels.telegram_updates import (
    HASH_PREFIX,
    Kind,
    Update,
    inline_keyboard,
    is_start_payload,
    parse_command,
    parse_update,
    payload_for_callback,
    split_text,
)
from bot.channels.tracker_buttons import bot_buttons, resolve_numbered_reply
from bot.message_guard import DEFAULT_MAX_CHARS, EMPTY_REPLY, FAILURE_REPLY, TRUNCATED_REPLY, guard

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 256 * 1024  # a Telegram update with a 4096-character text is a few KB
SEEN_UPDATES = 2048  # update_ids remembered to skip Telegram's retries
TYPING_TIMEOUT_SECONDS = 2  # "typing..." is a courtesy: never wait long for it
REGISTER_DELAYS_SECONDS = (0, 5, 30)  # setWebhook attempts after start-up

START_TEXT = "hallo"  # what /start says to the assistant: it greets and asks what to develop
RESTART_PAYLOAD = "/restart"
RESUME_PAYLOAD = "/resume_conversation"
NOT_TEXT_REPLY = ("Ik kan alleen tekst lezen. Typ gerust in een paar woorden wat je wilt ontwikkelen, "
                  "of kies een van de knoppen.")
LINK_EXPIRED_REPLY = ("Deze link om ons gesprek hier voort te zetten werkt niet meer: hij is maar één keer "
                      "en kort geldig. We beginnen hier gewoon opnieuw.")
STALE_BUTTON_REPLY = "Die knop werkt niet meer. Kies een van de nieuwste knoppen, of typ je antwoord."
EMPTY_BUTTONS_TEXT = "Maak een keuze:"
_RECIPIENT = re.compile(r"^telegram-(-?\d+)$")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"ok": False, "error": message}, status=status)


def _ok() -> HTTPResponse:
    return response.json({"ok": True})


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies to one Telegram chat. Never raises: a failed send is logged."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, api: TelegramApi, chat_id: int | None = None) -> None:
        self.api = api
        self.chat_id = chat_id
        self.attempted = 0  # replies Rasa asked us to send: 0 means something failed upstream

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.attempted += 1
        chat_id = self._chat(recipient_id)
        for part in split_text(text or ""):
            await self._send(chat_id, "sendMessage", text=part)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        self.attempted += 1
        chat_id = self._chat(recipient_id)
        parts = split_text(text or "") or [EMPTY_BUTTONS_TEXT]
        for part in parts[:-1]:
            await self._send(chat_id, "sendMessage", text=part)
        if chat_id is None:
            return
        try:
            await self.api.call("sendMessage", chat_id=chat_id, text=parts[-1], reply_markup=inline_keyboard(buttons))
        except TelegramApiError as error:
            if error.error_code != 400:
                self._log_failure("sendMessage", chat_id, error)
                return
            # Telegram refused the keyboard: the same choice as numbered options ("antwoord met 2").
            logger.warning("telegram: keyboard refused in chat %s (%s); sending numbered options",
                           chat_id, error.description)
            for part in split_text(numbered_text(parts[-1], buttons)):
                await self._send(chat_id, "sendMessage", text=part)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        self.attempted += 1
        await self._send(self._chat(recipient_id), "sendPhoto", photo=image)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if isinstance(text, str) and text.strip():
            await self.send_text_message(recipient_id, text)
        else:
            self.attempted += 1  # a custom message for another kind of client: nothing to show here

    def _chat(self, recipient_id: str) -> int | None:
        if self.chat_id is not None:
            return self.chat_id
        match = _RECIPIENT.match(str(recipient_id))
        if not match:
            # A linked web conversation reached from outside a Telegram update: no chat to write to.
            logger.warning("telegram: no Telegram chat known for conversation %s", recipient_id)
            return None
        return int(match.group(1))

    async def _send(self, chat_id: int | None, method: str, **params: Any) -> None:
        if chat_id is None:
            return
        try:
            await self.api.call(method, chat_id=chat_id, **params)
        except TelegramApiError as error:
            self._log_failure(method, chat_id, error)

    @staticmethod
    def _log_failure(method: str, chat_id: int, error: TelegramApiError) -> None:
        # Telegram's description, never our text: it may hold what the visitor told us.
        logger.warning("telegram: %s to chat %s failed: %s %s", method, chat_id, error.error_code, error.description)


class _RecentIds:
    """The last `size` update ids, to handle a retried update once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, update_id: int) -> bool:
        """True when the id is new."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class TelegramChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, settings: TelegramSettings, links: Any = None, max_message_chars: int | None = None,
                 api: TelegramApi | None = None, rate_limiter: ChatRateLimiter | None = None) -> None:
        self.settings = settings
        # ChannelLinks (blocking SQL, run in a thread) or anything with claim/sender_for_chat.
        self.links = links
        self.api = api or TelegramApi(settings)
        configured = os.environ.get("MAX_MESSAGE_CHARS")
        self.max_message_chars = int(max_message_chars or configured or DEFAULT_MAX_CHARS)
        self._seen = _RecentIds(SEEN_UPDATES)
        # Per chat only: every update comes from Telegram's servers, so an address says nothing.
        self.rate_limiter = rate_limiter or limiter_for_channel()
        self._limit_noticed = OncePerWindow()
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramChannel:
        credentials = credentials or {}
        try:
            settings = TelegramSettings.load(credentials)
        except TelegramConfigError as error:
            raise RasaException(str(error)) from None
        links = ChannelLinks.from_env() if settings.enabled else None
        return cls(settings, links, credentials.get("max_message_chars"))

    def get_output_channel(self) -> OutputChannel | None:
        return TelegramOutput(self.api) if self.settings.enabled else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("after_server_start")
        async def register_webhook(app: Any, loop: Any) -> None:
            if self.settings.registers_webhook:
                self._spawn(self._register_webhook())

        @webhook.listener("before_server_stop")
        async def close_api(app: Any, loop: Any) -> None:
            for task in list(self._tasks):
                task.cancel()
            await self.api.close()

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.settings.enabled:
                return _error(404, "Telegram is op deze server niet ingesteld.")
            if not self._secret_matches(request.headers.get(SECRET_HEADER)):
                return _error(403, "Onjuist of ontbrekend geheim.")
            body = json_object(request, MAX_BODY_BYTES)
            if body is BodyProblem.TOO_LARGE:
                return _error(413, "Deze update is te groot.")
            if body is BodyProblem.NOT_AN_OBJECT:
                return _error(400, "Stuur een Telegram-update als JSON-object.")
            update = parse_update(body)
            if update.update_id is not None and not self._seen.add(update.update_id):
                return _ok()  # Telegram retried an update we already handled
            if self._answers(update):
                refusal = await self.rate_limiter.acheck(sender=telegram_conversation_id(update.chat_id))
                if refusal is not None:
                    await self._on_limited(update, refusal)
                    return _ok()  # not an error to Telegram: a retry would only come back refused
            try:
                await self._handle(update, request.app.ctx.agent, on_new_message)
            except Exception:
                logger.exception("telegram: handling update %s failed", update.update_id)
                if update.chat_id is not None:
                    await TelegramOutput(self.api, update.chat_id).send_text_message("", FAILURE_REPLY)
            return _ok()

        return webhook

    def _secret_matches(self, given: str | None) -> bool:
        expected = (self.settings.webhook_secret or "").encode("utf-8")
        return bool(expected) and hmac.compare_digest((given or "").encode("utf-8"), expected)

    # --- one update -----------------------------------------------------------------------

    async def _handle(self, update: Update, agent: Any, on_new_message: OnNewMessage) -> None:
        if update.kind == Kind.CALLBACK:
            await self._on_callback(update, agent, on_new_message)
        elif update.kind == Kind.TEXT:
            await self._on_text(update, agent, on_new_message)
        elif update.kind == Kind.NOT_TEXT and update.is_private:
            await TelegramOutput(self.api, update.chat_id).send_text_message("", NOT_TEXT_REPLY)
        # Everything else (edited messages, channel posts, group noise) is acknowledged and dropped.

    async def _on_text(self, update: Update, agent: Any, on_new_message: OnNewMessage) -> None:
        output = TelegramOutput(self.api, update.chat_id)
        command = parse_command(update.text or "")
        if command and command[0] == "start":
            await self._on_start(update, command[1], output, on_new_message)
            return
        sender = await self._sender(update.chat_id)
        if command and command[0] == "opnieuw":
            await self._to_rasa(update, sender, RESTART_PAYLOAD, output, on_new_message)
            return
        message = guard(update.text, self.max_message_chars)
        if message.is_empty:
            await output.send_text_message(sender, EMPTY_REPLY)
            return
        if message.truncated_from:
            await output.send_text_message(sender, TRUNCATED_REPLY.format(limit=self.max_message_chars))
        text = await resolve_numbered_reply(agent, sender, message.text)
        await self._to_rasa(update, sender, text, output, on_new_message)

    async def _on_start(self, update: Update, token: str, output: TelegramOutput,
                        on_new_message: OnNewMessage) -> None:
        if token:
            linked = await self._claim(token, update.chat_id) if is_start_payload(token) else None
            if linked:
                # The web conversation goes on here: the bot picks up the open question.
                await self._to_rasa(update, linked, RESUME_PAYLOAD, output, on_new_message)
                return
            await output.send_text_message("", LINK_EXPIRED_REPLY)
        sender = await self._sender(update.chat_id)
        await self._to_rasa(update, sender, START_TEXT, output, on_new_message)

    async def _on_callback(self, update: Update, agent: Any,
                           on_new_message: OnNewMessage) -> None:
        # First, whatever follows: an unanswered callback keeps the button spinning.
        await self._quietly("answerCallbackQuery", callback_query_id=update.callback_id)
        if update.chat_id is None:
            return
        if update.message_id is not None:
            # Old buttons must not be tapped twice.
            await self._quietly("editMessageReplyMarkup", chat_id=update.chat_id, message_id=update.message_id,
                                reply_markup={"inline_keyboard": []})
        output = TelegramOutput(self.api, update.chat_id)
        sender = await self._sender(update.chat_id)
        data = update.data or ""
        payload = payload_for_callback(data, await bot_buttons(agent, sender)) if data.startswith(HASH_PREFIX) else data
        # A callback's data comes from a client: only our own payloads pass as commands.
        message = guard(payload, self.max_message_chars) if payload else None
        if message is None or message.is_empty:
            await output.send_text_message(sender, STALE_BUTTON_REPLY)
            return
        await self._to_rasa(update, sender, message.text, output, on_new_message)

    async def _to_rasa(self, update: Update, sender: str, text: str, output: TelegramOutput,
                       on_new_message: OnNewMessage) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quietly("sendChatAction", chat_id=update.chat_id, action="typing"),
                                   TYPING_TIMEOUT_SECONDS)
        metadata = {"channel": "telegram", "language": update.language, "first_name": update.first_name}
        before = output.attempted
        try:
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))
        except Exception:
            # Never the user's text in the log: it may hold personal data.
            logger.exception("telegram: handling a message in conversation %s failed", sender)
        if output.attempted == before:
            # No reply at all means a failed action or lock: say so instead of leaving them waiting.
            await output.send_text_message(sender, FAILURE_REPLY)

    @staticmethod
    def _answers(update: Update) -> bool:
        """Whether handling this update would answer the chat: only those count towards its limit."""
        if update.chat_id is None:
            return False
        return update.kind in (Kind.TEXT, Kind.CALLBACK) or (update.kind == Kind.NOT_TEXT and update.is_private)

    async def _on_limited(self, update: Update, refusal: Refusal) -> None:
        """Not handled: the chat hears so once per window (more replies would only add to the flood)."""
        if update.kind == Kind.CALLBACK:
            await self._quietly("answerCallbackQuery", callback_query_id=update.callback_id)
        if self._limit_noticed.first(str(update.chat_id), refusal.retry_after):
            await TelegramOutput(self.api, update.chat_id).send_text_message(
                "", limited_message(refusal.retry_after))

    # --- helpers --------------------------------------------------------------------------

    async def _sender(self, chat_id: int | None) -> str:
        """The conversation this chat writes into: a linked web conversation, or its own."""
        if self.links is not None:
            linked = await asyncio.to_thread(self.links.sender_for_chat, chat_id)
            if linked:
                return linked
        return telegram_conversation_id(chat_id)

    async def _claim(self, token: str, chat_id: int | None) -> str | None:
        if self.links is None or chat_id is None:
            return None
        return await asyncio.to_thread(self.links.claim, token, chat_id)

    async def _quietly(self, method: str, **params: Any) -> None:
        """A call whose failure changes nothing for the visitor (typing, answering a tap)."""
        try:
            await self.api.call(method, **params)
        except TelegramApiError as error:
            logger.warning("telegram: %s failed: %s %s", method, error.error_code, error.description)

    async def _register_webhook(self) -> None:
        params = set_webhook_params(self.settings)
        for delay in REGISTER_DELAYS_SECONDS:
            await asyncio.sleep(delay)
            try:
                await self.api.call("setWebhook", **params)
            except TelegramUnavailable as error:
                logger.warning("telegram: setWebhook failed (%s); trying again", error.description)
                continue
            except TelegramApiError as error:
                if error.error_code == 429 or (error.error_code or 0) >= 500:
                    logger.warning("telegram: setWebhook failed (%s); trying again", error.error_code)
                    continue
                logger.error("telegram: Telegram refused setWebhook: %s %s", error.error_code, error.description)
                return
            logger.info("telegram: webhook registered at %s", params["url"])
            return
        logger.error("telegram: webhook not registered; run `python -m bot.channels.telegram_setup set` later")

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
