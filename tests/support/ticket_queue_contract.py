"""What every ticket queue of bot/conversation_queue.py must do, whatever stores it: the unit
tests run it on the in-process queue, tests/service on Redis."""

from __future__ import annotations

from bot.conversation_queue import TicketQueue


def served_in_drawing_order(queue: TicketQueue) -> None:
    first, second, third = (queue.take("a", 60) for _ in range(3))
    assert (first, second, third) == (1, 2, 3)
    assert queue.first("a", third, 60) == first
    queue.release("a", first)
    assert queue.first("a", third, 60) == second
    queue.release("a", second)
    assert queue.first("a", third, 60) == third


def conversations_independent(queue: TicketQueue) -> None:
    queue.take("a", 60)
    mine = queue.take("b", 60)
    assert queue.first("b", mine, 60) == mine


def releasing_twice_is_harmless(queue: TicketQueue) -> None:
    ticket = queue.take("a", 60)
    queue.release("a", ticket)
    queue.release("a", ticket)
    queue.release("nobody", 7)
    assert queue.first("a", ticket, 60) is None
