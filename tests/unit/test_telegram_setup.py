"""Telegram settings, the webhook registration and `python -m bot.channels.telegram_setup`,
the command against a local server that speaks the Bot API."""

from __future__ import annotations

import pytest

from bot.channels.telegram_setup import (
    ALLOWED_UPDATES,
    DEFAULT_API_URL,
    TelegramConfigError,
    TelegramSettings,
    main,
    set_webhook_params,
)
from tests.support.telegram_api import FakeBotApi

SECRET = "s3cret_-token_Vb7kQ2xLr9Tz4WmN8pYc3"
PUBLIC_URL = "https://bot.example.nl/webhooks/telegram/webhook"


def test_without_a_token_telegram_is_off():
    settings = TelegramSettings.load(environ={})
    assert not settings.enabled and not settings.registers_webhook
    assert settings.api_url == DEFAULT_API_URL


def test_a_token_needs_a_secret():
    with pytest.raises(TelegramConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramSettings.load(environ={"TELEGRAM_BOT_TOKEN": "1:abc"})


@pytest.mark.parametrize("secret", ["met spatie", "é", "x" * 257, "a/b",  # Telegram would refuse these
                                    "kort_geheim", "change-me-telegram-0123456789abcdef"])  # we refuse these
def test_a_secret_telegram_would_refuse_is_refused_at_start(secret):
    with pytest.raises(TelegramConfigError):
        TelegramSettings.load(environ={"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_SECRET": secret})


def test_credentials_override_the_environment_but_empty_values_do_not():
    environ = {"TELEGRAM_BOT_TOKEN": "1:env", "TELEGRAM_WEBHOOK_SECRET": SECRET,
               "TELEGRAM_API_URL": "http://127.0.0.1:9/", "TELEGRAM_WEBHOOK_URL": PUBLIC_URL}
    settings = TelegramSettings.load({"bot_token": "2:file", "webhook_url": "", "max_message_chars": 10}, environ)
    assert settings.bot_token == "2:file"
    assert settings.webhook_url == PUBLIC_URL and settings.registers_webhook
    assert settings.api_url == "http://127.0.0.1:9"
    assert settings.method_url("getMe") == "http://127.0.0.1:9/bot2:file/getMe"


def test_set_webhook_sends_the_secret_and_only_the_updates_we_handle():
    settings = TelegramSettings(bot_token="1:abc", webhook_secret=SECRET, webhook_url=PUBLIC_URL)
    assert set_webhook_params(settings) == {
        "url": PUBLIC_URL, "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"], "drop_pending_updates": True,
    }
    with pytest.raises(TelegramConfigError):
        set_webhook_params(TelegramSettings(bot_token="1:abc", webhook_secret=SECRET))


# --- the command ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bot_api():
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture
def environ(bot_api):
    return {"TELEGRAM_BOT_TOKEN": bot_api.token, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": bot_api.url, "TELEGRAM_WEBHOOK_URL": PUBLIC_URL}


def test_set_registers_the_webhook_with_secret(bot_api, environ, capsys):
    assert main(["set"], environ) == 0
    call = bot_api.calls_of("setWebhook")[-1]
    assert call.params == {"url": PUBLIC_URL, "secret_token": SECRET, "allowed_updates": ALLOWED_UPDATES,
                           "drop_pending_updates": True}
    out = capsys.readouterr().out
    assert PUBLIC_URL in out
    assert SECRET not in out and bot_api.token not in out


def test_set_with_another_url_keeping_pending_updates(bot_api, environ):
    assert main(["set", "--url", "https://elders.example.nl/hook", "--keep-pending"], environ) == 0
    params = bot_api.calls_of("setWebhook")[-1].params
    assert params["url"] == "https://elders.example.nl/hook" and params["drop_pending_updates"] is False


def test_info_shows_the_registered_webhook(bot_api, environ, capsys):
    main(["set"], environ)
    assert main(["info"], environ) == 0
    out = capsys.readouterr().out
    assert PUBLIC_URL in out and "message, callback_query" in out


def test_delete_removes_it(bot_api, environ, capsys):
    main(["set"], environ)
    assert main(["delete"], environ) == 0
    main(["info"], environ)
    assert "(geen webhook)" in capsys.readouterr().out


def test_a_wrong_token_is_reported_without_showing_it(bot_api, environ, capsys):
    environ = {**environ, "TELEGRAM_BOT_TOKEN": "1:wrong-token"}
    assert main(["info"], environ) == 1
    err = capsys.readouterr().err
    assert "Unauthorized" in err and "wrong-token" not in err


def test_telegram_out_of_reach_is_reported_without_the_token(environ, capsys):
    environ = {**environ, "TELEGRAM_API_URL": "http://127.0.0.1:9"}
    assert main(["info"], environ) == 1
    err = capsys.readouterr().err
    assert "niet bereikt" in err and environ["TELEGRAM_BOT_TOKEN"] not in err


def test_missing_settings_exit_2_with_a_dutch_reason(capsys):
    assert main(["set"], {}) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert main(["set"], {"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_SECRET": SECRET}) == 2
    assert "TELEGRAM_WEBHOOK_URL" in capsys.readouterr().err
