"""The background loop inside the app: deliver due notifications, escalate unanswered leads,
carry out due conversation erasures, index new conversations for the staff screens."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.service.conversations import indexer as conversation_index
from bot.service.db.types import utcnow
from bot.service.erasure import erase_due
from bot.service.notify.dispatcher import deliver_due
from bot.service.notify.escalation import escalate_unanswered
from bot.service.settings import Settings
from bot.service.tracker.store import TrackerStore

log = logging.getLogger(__name__)
INDEX_BATCHES_PER_ROUND = 10


class Dispatcher:
    """Runs one round every `dispatch_interval_seconds`, or at once when `wake()` is called."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, tracker: TrackerStore) -> None:
        self.sessions = sessions
        self.settings = settings
        self.tracker = tracker
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.rounds = 0  # finished rounds, failed ones included (GET /health)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="lead-notification-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        """Thread-safe: request handlers run in a thread pool, the loop in the event loop."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def _run(self) -> None:
        while True:
            try:
                # smtplib and the ORM block: keep them off the event loop.
                await asyncio.to_thread(self.run_once)
            except Exception as exc:  # a bad round must not stop the loop; the rows stay queued
                log.error("notification round failed: %s", type(exc).__name__)
            self.rounds += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.settings.dispatch_interval_seconds)
            self._wakeup.clear()

    def run_once(self) -> None:
        with self.sessions() as session:
            erase_due(session, self.tracker)
            escalate_unanswered(session, self.settings, utcnow())
            deliver_due(session, self.settings)
        try:
            # Bounded, so mail is never held up by a large backlog; the next rounds continue it.
            conversation_index.catch_up(self.sessions, self.tracker, max_batches=INDEX_BATCHES_PER_ROUND)
        except SQLAlchemyError as exc:  # the tracker store is down: staff lists wait, nothing is lost
            log.warning("conversation index not refreshed: %s", type(exc).__name__)
