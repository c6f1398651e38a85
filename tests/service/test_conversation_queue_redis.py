"""The per-conversation ticket queue on the real Redis server (bot/conversation_queue.py), as two
Rasa instances share it: drawn and served atomically, also across processes.

Rasa's own RedisLockStore reads, changes and writes the whole queue back, so two instances can draw
the same ticket (RasaHQ/rasa#9213); the contention test below is the one that would catch that."""

from __future__ import annotations

import multiprocessing
import secrets
import threading
import time

import pytest
import redis

from bot.conversation_queue import RedisTicketQueue
from tests.support import ticket_queue_contract as contract
from tests.support.redis_server import redis_url_or_skip
from tests.support.waiting import wait_until


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture
def prefix(redis_url: str):
    prefix = f"mw-test:{secrets.token_hex(4)}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def queue(redis_url: str, prefix: str) -> RedisTicketQueue:
    return RedisTicketQueue.from_url(redis_url, prefix)


def test_tickets_are_served_in_the_order_they_were_drawn(queue):
    contract.served_in_drawing_order(queue)


def test_conversations_do_not_wait_for_each_other(queue):
    contract.conversations_independent(queue)


def test_releasing_twice_or_an_unknown_ticket_is_harmless(queue):
    contract.releasing_twice_is_harmless(queue)


def test_a_ticket_nobody_renews_expires_and_frees_the_conversation(queue):
    crashed = queue.take("a", 0.4)
    waiting = queue.take("a", 0.4)
    for _ in range(5):
        time.sleep(0.15)
        served = queue.first("a", waiting, 0.4)
    assert served == waiting
    assert queue.first("a", crashed, 0.4) is None


def test_a_renewed_ticket_outlives_its_lifetime(queue):
    working = queue.take("a", 0.4)
    waiting = queue.take("a", 0.4)
    for _ in range(8):  # 1.2 s of work on a 0.4 s lifetime, renewed as bot/lock_store.py does
        time.sleep(0.15)
        assert queue.first("a", working, 0.4) == working
        assert queue.first("a", waiting, 0.4) == working


def test_an_idle_conversation_leaves_no_keys_behind(queue, redis_url, prefix):
    queue.release("a", queue.take("a", 0.5))
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    # Every key left carries an expiry: a second beyond the longest ticket (whole seconds), on Redis's clock.
    assert all(0 < client.pttl(key) <= 2000 for key in keys), {key: client.pttl(key) for key in keys}
    wait_until(lambda: not list(client.scan_iter(match=f"{prefix}*")), timeout=5, what="the keys to expire")


def test_a_conversation_id_with_braces_and_unicode_is_one_queue(queue):
    odd = "tg:{42}:ë😀"
    first = queue.take(odd, 60)
    second = queue.take(odd, 60)
    assert queue.first(odd, second, 60) == first


def _worker(url: str, prefix: str, rounds: int, threads: int) -> None:
    """Each round: wait for one's turn, then a deliberately slow read-modify-write of a counter.
    Any two rounds inside the critical section at once lose an increment."""
    queue = RedisTicketQueue.from_url(url, prefix)
    client = redis.Redis.from_url(url)

    def run() -> None:
        for _ in range(rounds):
            ticket = queue.take("shared", 10)
            while queue.first("shared", ticket, 10) != ticket:
                time.sleep(0.001)
            value = int(client.get(f"{prefix}counter") or 0)
            time.sleep(0.001)
            client.set(f"{prefix}counter", value + 1)
            client.rpush(f"{prefix}served", ticket)
            queue.release("shared", ticket)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def test_two_processes_drawing_at_once_never_share_a_turn_and_are_served_in_order(redis_url, prefix):
    processes = [multiprocessing.get_context("fork").Process(target=_worker, args=(redis_url, prefix, 25, 4))
                 for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    client = redis.Redis.from_url(redis_url)
    served = [int(number) for number in client.lrange(f"{prefix}served", 0, -1)]
    assert int(client.get(f"{prefix}counter")) == 200  # no lost update: one at a time
    assert served == sorted(served) and len(set(served)) == 200  # first come, first served, no ticket twice
