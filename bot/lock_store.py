"""Rasa's lock store on `bot.conversation_queue`: one message at a time per conversation, in the
order they arrived, also across several Rasa instances (`endpoints.yml` names this class).

Settings (environment):
  LOCK_STORE_URL  empty (default): the queue lives in this process, enough for one Rasa instance;
                  redis://host:6379/0: shared by every instance that names the same Redis.
  TICKET_LOCK_LIFETIME  Rasa's own setting (seconds, default 60): how long a ticket whose holder
                  stopped renewing it (a crashed instance) still blocks its conversation.
  LOCK_MAX_WAIT_SECONDS  how long a message waits for the one before it (default 300, beyond
                  Rasa's own action timeout), after which the visitor is told to try again.

Differences from Rasa's stock lock stores, each a way a message could be lost:
- drawing a ticket is atomic across instances (stock Redis: two instances may draw one number);
- a ticket is renewed while its message waits or is processed: stock tickets expire after 60 s
  even while their action still runs, and the next message then runs alongside it;
- a waiting message polls every 20-100 ms instead of every second;
- a Redis round trip runs in a worker thread, so a Redis that stops answering delays only the
  messages that wait for it, not every conversation on the instance (stock: the event loop blocks).
Imported only by Rasa.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from bot.conversation_queue import MemoryTicketQueue, RedisTicketQueue, TicketQueue, poll_delays, renew_interval

logger = logging.getLogger(__name__)

DEFAULT_MAX_WAIT_SECONDS = 300.0


def queue_from_environment(environ: dict[str, str] | None = None) -> TicketQueue:
    environ = os.environ if environ is None else environ
    url = environ.get("LOCK_STORE_URL", "").strip()
    if not url:
        return MemoryTicketQueue()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"LOCK_STORE_URL must be empty or a redis:// URL, not {url.split('://')[0]!r}://")
    return RedisTicketQueue.from_url(url)


class ConversationLockStore(LockStore):
    def __init__(self, endpoint_config: Any = None, queue: TicketQueue | None = None,
                 max_wait_seconds: float | None = None) -> None:
        self.queue = queue or queue_from_environment()
        self.max_wait_seconds = max_wait_seconds or float(
            os.environ.get("LOCK_MAX_WAIT_SECONDS") or DEFAULT_MAX_WAIT_SECONDS)
        self._background: set[asyncio.Future] = set()
        logger.info("Conversation lock store: %s", type(self.queue).__name__)

    async def _ask(self, method, *args: Any) -> Any:
        """Call the queue without blocking the event loop on a network round trip (up to the
        client's 5 s timeout); the in-process queue answers at once and is called directly."""
        if isinstance(self.queue, MemoryTicketQueue):
            return method(*args)
        return await asyncio.to_thread(method, *args)

    async def _take(self, conversation_id: str, lifetime: float) -> int:
        drawing = asyncio.ensure_future(self._ask(self.queue.take, conversation_id, lifetime))
        try:
            return await asyncio.shield(drawing)
        except asyncio.CancelledError:
            # The request was cancelled (the visitor left) while Redis answered: the ticket is
            # drawn all the same, and would hold up the conversation until it expired.
            drawing.add_done_callback(lambda done: done.cancelled() or done.exception() is not None
                                      or self._release_later(conversation_id, done.result()))
            raise

    def _release_later(self, conversation_id: str, ticket: int) -> asyncio.Future:
        releasing = asyncio.ensure_future(self._release(conversation_id, ticket))
        self._background.add(releasing)  # the loop keeps only a weak reference to a task
        releasing.add_done_callback(self._background.discard)
        return releasing

    async def _release(self, conversation_id: str, ticket: int) -> None:
        with contextlib.suppress(Exception):  # an unreleased ticket expires by itself
            await self._ask(self.queue.release, conversation_id, ticket)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        # wait_time_in_seconds (Rasa's poll interval) is ignored: see poll_delays.
        try:
            ticket = await self._take(conversation_id, lock_lifetime)
        except Exception as exc:  # storage unreachable: the turn fails, the channel says so
            raise LockError(f"Could not draw a ticket for a conversation: {type(exc).__name__}") from exc
        try:
            await self._wait_for_turn(conversation_id, ticket, lock_lifetime)
            renewing = asyncio.create_task(self._keep_renewing(conversation_id, ticket, lock_lifetime))
            try:
                yield TicketLock(conversation_id)
            finally:
                renewing.cancel()
        finally:
            # Shielded: a cancelled request still hands the conversation to the next message.
            await asyncio.shield(self._release_later(conversation_id, ticket))

    async def _wait_for_turn(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait_seconds
        for delay in poll_delays():
            first = await self._ask(self.queue.first, conversation_id, ticket, lifetime)
            if first == ticket:
                return
            if first is None:
                raise LockError("A message's ticket expired while it waited (the event loop stalled?)")
            if loop.time() > deadline:
                raise LockError(f"A message waited more than {self.max_wait_seconds:.0f} s for its conversation")
            await asyncio.sleep(delay)

    async def _keep_renewing(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        while True:
            await asyncio.sleep(renew_interval(lifetime))
            try:
                if await self._ask(self.queue.first, conversation_id, ticket, lifetime) is None:
                    logger.error("A conversation's ticket expired while its message was processed")
                    return
            except Exception as exc:  # retried at the next interval; the ticket is still valid
                logger.warning("Could not renew a conversation ticket: %s", type(exc).__name__)

    # Rasa's ticket bookkeeping below is replaced by the queue; nothing else in Rasa 3.6 calls it.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
