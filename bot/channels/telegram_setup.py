"""Our bot at Telegram: its settings, the one definition of how the webhook is registered,
and a command to do that by hand:

    python -m bot.channels.telegram_setup set | info | delete

Settings come from the environment (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET,
TELEGRAM_API_URL, TELEGRAM_WEBHOOK_URL, TELEGRAM_BOT_USERNAME); the Rasa channel lets
credentials.yml override them. Plain Python at import: the Rasa channel (aiohttp, Rasa's
environment) and this command (httpx, the app environment) share it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.secret_rules import secret_problem

DEFAULT_API_URL = "https://api.telegram.org"
# Only what the conversation needs: edited messages, channel posts etc. are never sent to us.
ALLOWED_UPDATES = ["message", "callback_query"]
# What Telegram accepts as secret_token (it refuses setWebhook otherwise).
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ENV = {
    "bot_token": "TELEGRAM_BOT_TOKEN",
    "webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "api_url": "TELEGRAM_API_URL",
    "webhook_url": "TELEGRAM_WEBHOOK_URL",
    "bot_username": "TELEGRAM_BOT_USERNAME",
}


class TelegramConfigError(ValueError):
    """Settings that cannot work; the message says what to set."""


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str | None = None
    webhook_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    webhook_url: str | None = None
    bot_username: str | None = None

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> TelegramSettings:
        """From the environment; non-empty `overrides` (credentials.yml keys) win. Checked."""
        environ = os.environ if environ is None else environ
        values: dict[str, str | None] = {key: (environ.get(var) or "").strip() or None for key, var in _ENV.items()}
        for key, value in (overrides or {}).items():
            if key in _ENV and value is not None and str(value).strip():
                values[key] = str(value).strip()
        values["api_url"] = (values["api_url"] or DEFAULT_API_URL).rstrip("/")
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    @property
    def enabled(self) -> bool:
        """Without a token the channel stays silent: no Telegram calls at all."""
        return bool(self.bot_token)

    @property
    def registers_webhook(self) -> bool:
        return self.enabled and bool(self.webhook_secret) and bool(self.webhook_url)

    def check(self) -> None:
        if not self.enabled:
            return
        if not self.webhook_secret:
            raise TelegramConfigError(
                "TELEGRAM_BOT_TOKEN is gezet maar TELEGRAM_WEBHOOK_SECRET niet: zonder geheim kan iedereen "
                "berichten namens Telegram sturen. Kies een willekeurige reeks van A-Z, a-z, 0-9, _ en -.")
        if not _SECRET.fullmatch(self.webhook_secret):
            raise TelegramConfigError(
                "TELEGRAM_WEBHOOK_SECRET mag alleen A-Z, a-z, 0-9, _ en - bevatten (1 tot 256 tekens).")
        # Whoever knows it can write as any chat: as long and random as every other secret.
        problem = secret_problem("TELEGRAM_WEBHOOK_SECRET", self.webhook_secret)
        if problem:
            raise TelegramConfigError(problem)

    def method_url(self, method: str) -> str:
        # The token is part of the URL: never log this.
        return f"{self.api_url}/bot{self.bot_token}/{method}"


def set_webhook_params(settings: TelegramSettings, url: str | None = None,
                       drop_pending_updates: bool = True) -> dict[str, Any]:
    """What setWebhook gets, from the channel at start-up and from this command alike."""
    target = url or settings.webhook_url
    if not target:
        raise TelegramConfigError("Geen webhook-URL: zet TELEGRAM_WEBHOOK_URL of geef --url.")
    if not settings.webhook_secret:
        raise TelegramConfigError("TELEGRAM_WEBHOOK_SECRET ontbreekt.")
    return {
        "url": target,
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": drop_pending_updates,
    }


# --- the command ----------------------------------------------------------------------------


class _ApiFailure(Exception):
    pass


def _call(settings: TelegramSettings, method: str, params: dict[str, Any] | None = None) -> Any:
    import httpx  # the app environment's client; Rasa's environment never runs this command

    try:
        response = httpx.post(settings.method_url(method), json=params or {}, timeout=10)
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        # The exception's text may hold the URL, and with it the token.
        raise _ApiFailure(f"Telegram niet bereikt ({type(error).__name__}).") from None
    if not isinstance(body, dict) or not body.get("ok"):
        description = body.get("description") if isinstance(body, dict) else None
        raise _ApiFailure(f"Telegram weigerde {method}: {description or response.status_code}.")
    return body.get("result")


def _set(settings: TelegramSettings, args: argparse.Namespace) -> str:
    params = set_webhook_params(settings, args.url, drop_pending_updates=not args.keep_pending)
    _call(settings, "setWebhook", params)
    return f"Webhook ingesteld op {params['url']} (alleen {', '.join(ALLOWED_UPDATES)}, met geheim)."


def _info(settings: TelegramSettings, args: argparse.Namespace) -> str:
    info = _call(settings, "getWebhookInfo") or {}
    lines = [f"URL: {info.get('url') or '(geen webhook)'}",
             f"Wachtende updates: {info.get('pending_update_count', 0)}",
             f"Toegestane updates: {', '.join(info.get('allowed_updates') or []) or '(alle)'}"]
    if info.get("last_error_message"):
        lines.append(f"Laatste fout: {info['last_error_message']}")
    return "\n".join(lines)


def _delete(settings: TelegramSettings, args: argparse.Namespace) -> str:
    _call(settings, "deleteWebhook", {"drop_pending_updates": args.drop_pending})
    return "Webhook verwijderd."


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.channels.telegram_setup",
                                     description="De Telegram-webhook van Mentorwijzer beheren")
    commands = parser.add_subparsers(dest="command", required=True)
    set_cmd = commands.add_parser("set", help="setWebhook met geheim en alleen message/callback_query")
    set_cmd.add_argument("--url", help="publieke URL van /webhooks/telegram/webhook (standaard TELEGRAM_WEBHOOK_URL)")
    set_cmd.add_argument("--keep-pending", action="store_true", help="wachtende updates niet weggooien")
    commands.add_parser("info", help="getWebhookInfo: URL, wachtende updates, laatste fout")
    delete_cmd = commands.add_parser("delete", help="deleteWebhook")
    delete_cmd.add_argument("--drop-pending", action="store_true", help="wachtende updates weggooien")
    args = parser.parse_args(argv)
    try:
        settings = TelegramSettings.load(environ=environ)
        if not settings.enabled:
            raise TelegramConfigError("TELEGRAM_BOT_TOKEN is niet gezet.")
        print({"set": _set, "info": _info, "delete": _delete}[args.command](settings, args))
    except TelegramConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except _ApiFailure as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
