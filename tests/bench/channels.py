"""How fast the widget and Telegram answer: per message, until the whole reply is there.

Widget: socket.io over a websocket, `user_uttered` until `bot_done`. Telegram: a webhook update
posted with the secret until the channel has answered 200, by which time every sendMessage has
reached the (local) Bot API server. Same messages as the REST latency, one conversation each round.
"""

from __future__ import annotations

import time

from tests.support.stack import Stack
from tests.support.telegram_api import WEBHOOK_SECRET, FakeBotApi, TelegramChat
from tests.support.widget_client import WidgetClient

ROUNDS = 5


def widget_latency(stack: Stack, messages: list[str], rounds: int = ROUNDS) -> list[float]:
    latencies: list[float] = []
    for _ in range(rounds):
        client = WidgetClient(stack.rasa.url, stack.service.url).connect()
        try:
            client.request_session(None)
            for message in messages:
                started = time.perf_counter()
                client.say(message)
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            client.close()
    return latencies


def telegram_latency(stack: Stack, api: FakeBotApi, messages: list[str], rounds: int = ROUNDS) -> list[float]:
    latencies: list[float] = []
    for _ in range(rounds):
        chat = TelegramChat(api, f"{stack.rasa.url}/webhooks/telegram/webhook", WEBHOOK_SECRET)
        for message in messages:
            started = time.perf_counter()
            chat.say(message)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies
