"""One message at a time per conversation, first come first served, across Rasa instances.

Rasa serialises the messages of a conversation with a ticket lock: each message draws a ticket
and waits until its number is the lowest one still valid. Rasa's `RedisLockStore` keeps that
queue as one JSON value that each instance reads, changes and writes back, so two instances
that draw at the same moment can both get the same number and process one conversation at the
same time (RasaHQ/rasa#9213): events interleave or are lost. Here every step is one Redis Lua
script, which Redis runs atomically, with Redis's own clock (instances' clocks may differ).

A ticket lives `lifetime` seconds unless its holder renews it: a waiting or working message
renews its ticket, so a slow action never lets the next message in early, while the tickets of
a crashed instance expire and free the conversation.

No Rasa import: the Rasa adapter is `bot/lock_store.py`; this module is tested on its own.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

KEY_PREFIX = "mentorwijzer:lock:"

# KEYS[1] tickets (sorted set: member = ticket number, score = expiry), KEYS[2] last number drawn.
# The keys expire with their last ticket, so an abandoned conversation leaves nothing behind.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "
_DROP_EXPIRED = "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
_KEEP_KEYS = ("local ttl = math.ceil(tonumber(ARGV[1])) + 1 "
              "redis.call('EXPIRE', KEYS[1], ttl) redis.call('EXPIRE', KEYS[2], ttl) ")

TAKE_SCRIPT = _NOW + _DROP_EXPIRED + """
local number = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), number)
""" + _KEEP_KEYS + "return number"

# Renews ARGV[2]'s ticket; returns the lowest valid ticket number, or -1 when ARGV[2]'s expired.
FIRST_SCRIPT = _NOW + _DROP_EXPIRED + """
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
""" + _KEEP_KEYS + """
local first = nil
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local number = tonumber(member)
  if first == nil or number < first then first = number end
end
return first"""

RELEASE_SCRIPT = "return redis.call('ZREM', KEYS[1], ARGV[1])"


class TicketQueue(Protocol):
    def take(self, conversation_id: str, lifetime: float) -> int:
        """Draw the next ticket for the conversation."""

    def first(self, conversation_id: str, ticket: int, lifetime: float) -> int | None:
        """Renew `ticket` and return the lowest valid ticket (the one being served), or None
        when `ticket` itself has expired."""

    def release(self, conversation_id: str, ticket: int) -> None:
        """Hand the conversation to the next ticket."""


class RedisTicketQueue:
    def __init__(self, client, prefix: str = KEY_PREFIX) -> None:  # client: redis.Redis (sync)
        self._prefix = prefix
        self._take = client.register_script(TAKE_SCRIPT)
        self._first = client.register_script(FIRST_SCRIPT)
        self._release = client.register_script(RELEASE_SCRIPT)

    @classmethod
    def from_url(cls, url: str, prefix: str = KEY_PREFIX) -> RedisTicketQueue:
        import redis  # only needed when a Redis URL is configured

        return cls(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5), prefix)

    def _keys(self, conversation_id: str) -> list[str]:
        # One hash tag for both keys: a Redis Cluster keeps them on one node, as scripts require.
        base = f"{self._prefix}{{{conversation_id}}}"
        return [f"{base}:tickets", f"{base}:last"]

    def take(self, conversation_id: str, lifetime: float) -> int:
        return int(self._take(keys=self._keys(conversation_id), args=[lifetime]))

    def first(self, conversation_id: str, ticket: int, lifetime: float) -> int | None:
        found = int(self._first(keys=self._keys(conversation_id), args=[lifetime, ticket]))
        return None if found < 0 else found

    def release(self, conversation_id: str, ticket: int) -> None:
        self._release(keys=self._keys(conversation_id)[:1], args=[ticket])


class MemoryTicketQueue:
    """The same queue inside one process (one Rasa instance, the `make run` default)."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # Rasa calls from its event loop, tests from threads
        self._tickets: dict[str, dict[int, float]] = {}
        self._last: dict[str, int] = {}

    def _valid(self, conversation_id: str) -> dict[int, float]:
        now = self._clock()
        tickets = {n: expiry for n, expiry in self._tickets.get(conversation_id, {}).items() if expiry > now}
        if tickets:
            self._tickets[conversation_id] = tickets
        else:
            self._tickets.pop(conversation_id, None)
            self._last.pop(conversation_id, None)
        return tickets

    def take(self, conversation_id: str, lifetime: float) -> int:
        with self._lock:
            tickets = self._valid(conversation_id)
            number = self._last.get(conversation_id, 0) + 1
            self._last[conversation_id] = number
            tickets[number] = self._clock() + lifetime
            self._tickets[conversation_id] = tickets
            return number

    def first(self, conversation_id: str, ticket: int, lifetime: float) -> int | None:
        with self._lock:
            tickets = self._valid(conversation_id)
            if ticket not in tickets:
                return None
            tickets[ticket] = self._clock() + lifetime
            return min(tickets)

    def release(self, conversation_id: str, ticket: int) -> None:
        with self._lock:
            tickets = self._tickets.get(conversation_id, {})
            tickets.pop(ticket, None)
            if not tickets:
                self._tickets.pop(conversation_id, None)
                self._last.pop(conversation_id, None)


def renew_interval(lifetime: float) -> float:
    """How often a holder renews its ticket: three chances before it would expire."""
    return max(0.05, lifetime / 3)


def poll_delays(first: float = 0.02, longest: float = 0.1):
    """Waiting for one's turn: quick at first (most turns take a few hundred ms), then calmer."""
    delay = first
    while True:
        yield delay
        delay = min(longest, math.ceil(delay * 1.5 * 1000) / 1000)
