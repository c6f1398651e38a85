"""The per-conversation ticket queue inside one process (bot/conversation_queue.py).
The same contract on Redis, and across processes, is in tests/service/test_conversation_queue_redis.py."""

from __future__ import annotations

from itertools import islice

from bot.conversation_queue import MemoryTicketQueue, poll_delays, renew_interval
from tests.support import ticket_queue_contract as contract


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_tickets_are_served_in_the_order_they_were_drawn():
    contract.served_in_drawing_order(MemoryTicketQueue())


def test_conversations_do_not_wait_for_each_other():
    contract.conversations_independent(MemoryTicketQueue())


def test_releasing_twice_or_an_unknown_ticket_is_harmless():
    contract.releasing_twice_is_harmless(MemoryTicketQueue())


def test_a_ticket_nobody_renews_expires_and_frees_the_conversation():
    clock = FakeClock()
    queue = MemoryTicketQueue(clock)
    crashed = queue.take("a", 10)
    waiting = queue.take("a", 10)
    for _ in range(4):  # the waiting message renews its own ticket every few seconds
        clock.now += 4
        served = queue.first("a", waiting, 10)
    assert served == waiting
    assert queue.first("a", crashed, 10) is None


def test_a_renewed_ticket_outlives_its_lifetime_so_a_slow_action_keeps_its_turn():
    clock = FakeClock()
    queue = MemoryTicketQueue(clock)
    working = queue.take("a", 10)
    waiting = queue.take("a", 10)
    for _ in range(10):  # 40 s of work, renewed as bot/lock_store.py does
        clock.now += 4
        assert queue.first("a", working, 10) == working
        assert queue.first("a", waiting, 10) == working


def test_numbers_start_again_once_a_conversation_is_idle():
    queue = MemoryTicketQueue()
    queue.release("a", queue.take("a", 60))
    assert queue.take("a", 60) == 1


def test_waiting_polls_quickly_first_then_calmer():
    delays = list(islice(poll_delays(), 12))
    assert delays[0] == 0.02
    assert delays == sorted(delays)
    assert delays[-1] == 0.1


def test_holders_renew_three_times_per_lifetime():
    assert renew_interval(60) == 20
    assert renew_interval(0.01) == 0.05
