"""The lock store's Redis stops answering (it hangs, or the network to it fails) mid-conversation.

Every message needs a ticket from Redis (bot/lock_store.py). While Redis is silent, each visitor
who writes gets the Dutch apology once the Redis client gives up (5 s); the instance itself stays
responsive, because the round trips wait in worker threads, not on Rasa's event loop. Once Redis
answers again, the conversation carries on where it was.

A real Rasa server with the session's action server and database, and a Redis server of this
module's own, paused with SIGSTOP (connections are accepted, nothing is answered).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import texts
from tests.support.redis_server import PrivateRedis
from tests.support.servers import MODEL, RasaServer
from tests.support.stack import Stack

WAITING_VISITORS = 4  # below the default thread pool's size on two cores (6)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rasa(stack: Stack, redis_server: PrivateRedis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    assert MODEL.exists(), "train the model first: make train"
    server = RasaServer(tmp_path_factory.mktemp("rasa-redis-lock"), action_url=stack.rasa.action_url,
                        env={**stack.rasa.env, "LOCK_STORE_URL": redis_server.url})
    server.start()
    yield server
    server.stop()


def test_a_silent_lock_store_costs_its_visitors_an_apology_not_the_whole_instance(
        rasa: RasaServer, redis_server: PrivateRedis) -> None:
    sender = f"redis-down-{uuid.uuid4().hex[:10]}"
    greeting = texts(rasa.send(sender, "hallo"))
    assert greeting and FAILURE_REPLY not in greeting

    redis_server.pause()
    try:
        with ThreadPoolExecutor(WAITING_VISITORS) as pool:
            waiting = [pool.submit(rasa.send, f"{sender}-{n}", "ik wil beter leren presenteren")
                       for n in range(WAITING_VISITORS)]
            # While they all wait for Redis, Rasa still answers: a blocked event loop would not
            # answer for WAITING_VISITORS × 5 s.
            assert httpx.get(f"{rasa.url}/", timeout=3).status_code == 200
            replies = [future.result() for future in waiting]
    finally:
        redis_server.resume()

    assert all(texts(reply) == FAILURE_REPLY for reply in replies), replies

    # Redis answers again: the first visitor carries on, and the messages that could not be
    # handled were not half-stored.
    answer = texts(rasa.send(sender, "ik wil beter leren presenteren"))
    assert answer and FAILURE_REPLY not in answer
    assert rasa.user_texts(rest_conversation_id(sender)) == ["hallo", "ik wil beter leren presenteren"]
    assert all(rasa.user_texts(rest_conversation_id(f"{sender}-{n}")) == [] for n in range(WAITING_VISITORS))
