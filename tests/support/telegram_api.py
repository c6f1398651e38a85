"""A local server that speaks the Telegram Bot API, and updates shaped like Telegram's.

`FakeBotApi` answers `/bot<token>/<method>` (JSON, form or query parameters) as Telegram
does, with Telegram's checks that matter to us (text at most 4096 characters, callback_data
at most 64 bytes, a known token), and records every call. `TelegramChat` plays one user:
it posts real webhook updates (messages, button taps) to the Rasa channel and returns what
the bot sent back, as REST-like replies that tests/support/conversation.py understands.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

BOT_ID = 7000000001
BOT_USERNAME = "mentorwijzer_test_bot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Update ids are unique per bot: one counter for the whole test session.
_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)
_callback_ids = itertools.count(1)
_user_message_ids = itertools.count(1)


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None  # what the server answered (`result`), None after an error


class BotApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class FakeBotApi:
    token: str = field(default_factory=lambda: f"{BOT_ID}:{secrets.token_urlsafe(24)}")
    # Chats in which sendMessage refuses inline keyboards with 400, as Telegram does for bad buttons.
    reject_keyboards_in: set[int] = field(default_factory=set)
    # Chats whose next sendMessage gets 429 Too Many Requests with this retry_after (seconds).
    throttle_once_in: dict[int, int] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._server: ThreadingHTTPServer | None = None

    # --- running ----------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                status, body = api.handle(self.path, self.headers.get("Content-Type", ""),
                                          self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- what was called --------------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            return list(self.calls[mark:])

    def wait_for(self, method: str, timeout: float = 10) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_of(method)
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no {method} call within {timeout} s; calls: {[c.method for c in self.calls]}")

    # --- the Bot API --------------------------------------------------------------------------

    def handle(self, path: str, content_type: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")
        if len(segments) != 2 or not segments[0].startswith("bot"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if segments[0][3:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = segments[1]
        try:
            params = _params(parts.query, content_type, raw)
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request body"}
        with self._lock:
            retry_after = self.throttle_once_in.pop(params.get("chat_id"), None) if method == "sendMessage" else None
        if retry_after is not None:
            with self._lock:
                self.calls.append(Call(method, params))
            return 429, {"ok": False, "error_code": 429, "parameters": {"retry_after": retry_after},
                         "description": f"Too Many Requests: retry after {retry_after}"}
        try:
            result = self._answer(method, params)
        except BotApiError as error:
            with self._lock:
                self.calls.append(Call(method, params))
            return error.code, {"ok": False, "error_code": error.code, "description": error.description}
        with self._lock:
            self.calls.append(Call(method, params, result))
        return 200, {"ok": True, "result": result}

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        return handler(params)

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Mentorwijzer", "username": BOT_USERNAME,
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise BotApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if markup is not None:
            _check_markup(markup)
            if chat_id in self.reject_keyboards_in and markup.get("inline_keyboard"):
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return self._message(chat_id, text=text, reply_markup=markup)

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        if not params.get("photo"):
            raise BotApiError(400, "Bad Request: there is no photo in the request")
        return self._message(chat_id, photo=[{"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}])

    def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        _chat_id(params)
        if params.get("action") not in {"typing", "upload_photo", "record_voice", "upload_document"}:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise BotApiError(400, "Bad Request: QUERY_ID_INVALID")
        return True

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        key = (chat_id, params.get("message_id"))
        with self._lock:
            message = self._messages.get(key)
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup") or {}
        _check_markup(markup)
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        if markup.get("inline_keyboard"):
            edited["reply_markup"] = markup
        edited["edit_date"] = int(time.time())
        with self._lock:
            self._messages[key] = edited
        return edited

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise BotApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = dict(params)
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                                "pending_update_count": 0}
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Mentorwijzer", "username": BOT_USERNAME},
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        with self._lock:
            self._messages[(chat_id, message["message_id"])] = message
        return message


def _params(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
    params: dict[str, Any] = {key: _form_value(value) for key, value in parse_qsl(query)}
    if raw and "json" in content_type:
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("not an object")
        params.update(body)
    elif raw:
        params.update({key: _form_value(value) for key, value in parse_qsl(raw.decode("utf-8"))})
    return params


def _form_value(value: str) -> Any:
    """Form and query values are strings; Telegram reads JSON-serialised objects, lists and numbers."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict | list | int | bool) else value


def _chat_id(params: dict[str, Any]) -> int:
    chat_id = params.get("chat_id")
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        raise BotApiError(400, "Bad Request: chat not found")
    return chat_id


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not button.get("text"):
                raise BotApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")


# --- updates as Telegram sends them ----------------------------------------------------------


def user(chat_id: int, first_name: str = "Anna", language: str | None = "nl") -> dict[str, Any]:
    sender = {"id": chat_id, "is_bot": False, "first_name": first_name}
    if language:
        sender["language_code"] = language
    return sender


def message(chat_id: int, text: str | None = None, first_name: str = "Anna", language: str | None = "nl",
            **content: Any) -> dict[str, Any]:
    """A Message from a user in a private chat; bot commands carry their `bot_command` entity."""
    body: dict[str, Any] = {
        "message_id": next(_user_message_ids),
        "from": user(chat_id, first_name, language),
        "chat": {"id": chat_id, "first_name": first_name, "type": "private"},
        "date": int(time.time()),
        **content,
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return body


def update(**content: Any) -> dict[str, Any]:
    return {"update_id": next(_update_ids), **content}


def text_update(chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    return update(message=message(chat_id, text, **kwargs))


def callback_update(chat_id: int, bot_message: dict[str, Any], data: str, first_name: str = "Anna",
                    language: str | None = "nl") -> dict[str, Any]:
    """A tap on a button under `bot_message` (a Message our bot sent, as the API returned it)."""
    return update(callback_query={
        "id": str(4_000_000_000_000_000 + next(_callback_ids)),
        "from": user(chat_id, first_name, language),
        "message": bot_message,
        "chat_instance": str(-chat_id * 7),
        "data": data,
    })


def sticker_update(chat_id: int) -> dict[str, Any]:
    return update(message=message(chat_id, sticker={
        "file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADAQAD", "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}))


def edited_message_update(chat_id: int, text: str) -> dict[str, Any]:
    edited = message(chat_id, text)
    edited["edit_date"] = edited["date"] + 5
    return update(edited_message=edited)


# --- one user in a chat with the bot -----------------------------------------------------------


def keyboard_buttons(bot_message: dict[str, Any]) -> list[dict[str, str]]:
    """The inline keyboard of a sent message as Rasa-style buttons (title, payload=callback_data)."""
    markup = bot_message.get("reply_markup") or {}
    return [{"title": b["text"], "payload": b["callback_data"]}
            for row in markup.get("inline_keyboard") or [] for b in row if "callback_data" in b]


def as_replies(calls: list[Call]) -> list[dict[str, Any]]:
    """sendMessage calls Telegram accepted, as the REST channel would show them."""
    replies = []
    for call in calls:
        if call.method == "sendMessage" and call.result is not None:
            reply: dict[str, Any] = {"text": call.result["text"]}
            if keyboard_buttons(call.result):
                reply["buttons"] = keyboard_buttons(call.result)
            replies.append(reply)
    return replies


@dataclass
class TelegramChat:
    api: FakeBotApi
    webhook_url: str
    secret: str
    chat_id: int = field(default_factory=lambda: 100_000_000 + secrets.randbelow(800_000_000))
    first_name: str = "Anna"
    language: str | None = "nl"
    last_calls: list[Call] = field(default_factory=list)

    @property
    def sender(self) -> str:
        return f"telegram-{self.chat_id}"

    def post(self, body: Any, raw: bytes | None = None, secret: str | None = None,
             send_secret: bool = True) -> httpx.Response:
        """POST an update (or `raw` bytes) to the webhook as Telegram does, with this chat's secret
        unless another `secret` is given or `send_secret` is False."""
        headers = {"Content-Type": "application/json"}
        if send_secret:
            headers[SECRET_HEADER] = self.secret if secret is None else secret
        content = raw if raw is not None else json.dumps(body).encode()
        return httpx.post(self.webhook_url, content=content, headers=headers, timeout=60)

    def send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Post one update; the bot's messages to this chat while it was handled."""
        mark = self.api.mark()
        response = self.post(body)
        assert response.status_code == 200, response.text
        self.last_calls = [c for c in self.api.since(mark)
                           if c.params.get("chat_id") in (self.chat_id, str(self.chat_id))
                           or c.method == "answerCallbackQuery"]
        return as_replies(self.last_calls)

    def say(self, text: str) -> list[dict[str, Any]]:
        return self.send(text_update(self.chat_id, text, first_name=self.first_name, language=self.language))

    def tap(self, payload: str) -> list[dict[str, Any]]:
        """Tap the newest button whose callback_data is `payload`."""
        return self.send(callback_update(self.chat_id, self.message_with(payload), payload,
                                         first_name=self.first_name, language=self.language))

    def message_with(self, data: str) -> dict[str, Any]:
        for call in reversed(self.api.calls_of("sendMessage", self.chat_id)):
            if call.result and any(b["payload"] == data for b in keyboard_buttons(call.result)):
                return call.result
        raise AssertionError(f"no message with a button {data!r} in chat {self.chat_id}")


# --- the settings Rasa gets in the e2e stack --------------------------------------------------

WEBHOOK_SECRET = "e2e_telegram-secret-" + secrets.token_urlsafe(24)
PUBLIC_WEBHOOK_URL = "https://example.test/webhooks/telegram/webhook"


def telegram_env(api: FakeBotApi) -> dict[str, str]:
    """Rasa's Telegram settings, pointed at this local Bot API server."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TELEGRAM_API_URL": api.url,
        "TELEGRAM_WEBHOOK_URL": PUBLIC_WEBHOOK_URL,
        "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
    }
