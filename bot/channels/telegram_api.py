"""A small Telegram Bot API client on aiohttp (Rasa's environment).

Not aiogram: the 2.15 in Rasa's environment cannot pass `secret_token` to setWebhook, and
Rasa's own connector binds its HTTP session to an event loop that is closed before the server
runs. Here the session is created on first use, inside the running loop, and closed on stop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.channels.telegram_setup import TelegramSettings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Telegram's 429 says how long to wait; we wait once if that is short, else give up.
MAX_RETRY_AFTER_SECONDS = 5


class TelegramApiError(Exception):
    """Telegram answered `ok: false` (error_code is its HTTP-like code, e.g. 400 or 403)."""

    def __init__(self, method: str, error_code: int | None, description: str | None) -> None:
        super().__init__(f"{method}: {error_code} {description or ''}".strip())
        self.method = method
        self.error_code = error_code
        self.description = description


class TelegramUnavailable(TelegramApiError):
    """No usable answer: network error, timeout, or a body that is not the Bot API's JSON."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(method, None, reason)


class TelegramApi:
    def __init__(self, settings: TelegramSettings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, **params: Any) -> Any:
        """Call one Bot API method; returns its `result` or raises TelegramApiError."""
        body = await self._post(method, params)
        if body.get("ok") is not True and body.get("error_code") == 429:
            retry_after = (body.get("parameters") or {}).get("retry_after")
            if isinstance(retry_after, int) and 0 < retry_after <= MAX_RETRY_AFTER_SECONDS:
                await asyncio.sleep(retry_after)
                body = await self._post(method, params)
        if body.get("ok") is not True:
            code = body.get("error_code")
            raise TelegramApiError(method, code if isinstance(code, int) else None, str(body.get("description") or ""))
        return body.get("result")

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def _post(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        payload = {key: value for key, value in params.items() if value is not None}
        try:
            async with self._client().post(self.settings.method_url(method), json=payload) as response:
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            # `from None`: the original error's text may carry the URL, and so the bot token.
            raise TelegramUnavailable(method, type(error).__name__) from None
        if not isinstance(body, dict):
            raise TelegramUnavailable(method, "no JSON object")
        return body

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session
