"""Keep a few processes running: one that dies is restarted after a back-off; stop() ends them all.

Every child leads a process group of its own (a new session), so that it and whatever it started
can be signalled as one: rasa_sdk's Sanic serves from worker processes that outlive a main process
killed with SIGKILL and go on holding the port. When a child dies, what is left of its group is
killed before it is started again; stop() sends SIGTERM and, after `stop_timeout`, SIGKILL to the
group. (supervisord was considered: it kills a group only when it stops a program itself, not
when one dies, its back-off grows linearly and ends in FATAL, i.e. never restarted again.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bot.run.supervisor")


@dataclass(frozen=True)
class Program:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path


@dataclass(frozen=True)
class Backoff:
    """Delay before a restart: `first`, doubled per quick death up to `cap`; back to `first` once
    a child has run `stable_after` seconds."""

    first: float = 1.0
    cap: float = 30.0
    stable_after: float = 60.0

    def next(self, previous: float | None, uptime: float) -> float:
        if previous is None or uptime >= self.stable_after:
            return self.first
        return min(previous * 2, self.cap)


class Supervisor:
    def __init__(self, programs: Sequence[Program], backoff: Backoff = Backoff(), stop_timeout: float = 10.0):
        self.programs = list(programs)
        self.backoff = backoff
        self.stop_timeout = stop_timeout
        self._stopping = asyncio.Event()
        self._running: dict[str, asyncio.subprocess.Process] = {}

    def pids(self) -> dict[str, int]:
        """name -> pid of the children running now."""
        return {name: process.pid for name, process in self._running.items() if process.returncode is None}

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Start every program and keep it running until stop(); return once all of them are gone."""
        keepers = [asyncio.create_task(self._keep_running(program)) for program in self.programs]
        try:
            await asyncio.gather(*keepers)
        finally:  # a keeper that failed (a bug) must not leave the other children running unsupervised
            self.stop()
            await asyncio.gather(*keepers, return_exceptions=True)
        log.info("every process stopped")

    async def _keep_running(self, program: Program) -> None:
        delay: float | None = None
        restarts = 0
        while not self._stopping.is_set():
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                process = await asyncio.create_subprocess_exec(
                    *program.argv, env=dict(program.env), cwd=program.cwd, start_new_session=True)
            except OSError as error:
                what = f"could not be started ({error})"
            else:
                self._running[program.name] = process
                log.info("started %s (pid %d)", program.name, process.pid)
                if await self._stopped_first(process):
                    await self._terminate(program.name, process)
                    return
                await _kill_group(process.pid)  # leftovers, e.g. Sanic workers, would keep the port
                what = f"(pid {process.pid}) {_describe(process.returncode)}"
            uptime = loop.time() - started
            delay = self.backoff.next(delay, uptime)
            restarts += 1
            # The one line per restart.
            log.warning("%s %s after %.1f s; restarting in %g s (restart %d)",
                        program.name, what, uptime, delay, restarts)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def _stopped_first(self, process: asyncio.subprocess.Process) -> bool:
        """Wait until the child exits (False) or stop() is called (True)."""
        exited = asyncio.ensure_future(process.wait())
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if exited.done():
            return False
        exited.cancel()
        return True

    async def _terminate(self, name: str, process: asyncio.subprocess.Process) -> None:
        # SIGTERM to the child alone: it stops its own workers in order (Sanic does).
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self.stop_timeout)
        except TimeoutError:
            log.warning("%s (pid %d) did not stop within %g s: killed", name, process.pid, self.stop_timeout)
        await _kill_group(process.pid)
        await process.wait()


async def _kill_group(pgid: int, timeout: float = 2.0) -> None:
    """SIGKILL to whatever is left of the process group `pgid` (nothing, usually), and wait until it
    is gone: only then are its ports free."""
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _has_live_members(pgid) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)


def _has_live_members(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs. Zombies do not count: they hold no port, and
    whoever adopted them (init) may take a while to reap them."""
    if not os.path.isdir("/proc"):  # not Linux: zombies count
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in os.scandir("/proc"):
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                state, _, group = stat.read().rsplit(")", 1)[1].split()[:3]  # after "pid (command)"
        except (OSError, ValueError):  # not a process, or gone meanwhile
            continue
        if state != "Z" and int(group) == pgid:
            return True
    return False


def _describe(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"
