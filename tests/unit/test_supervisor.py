"""bot/run/supervisor.py with real (tiny) processes: restarts, back-off, process groups, stopping.

The whole stack under the same supervisor: tests/e2e/test_run_supervised.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.run.supervisor import Backoff, Program, Supervisor

QUICK = Backoff(first=0.05, cap=0.2, stable_after=60)
# A child that starts a grandchild in its own process group (as Sanic starts its workers), writes
# the grandchild's pid to a file and waits; with a fourth argument it ignores SIGTERM itself.
PARENT = """
import signal, subprocess, sys, time
if len(sys.argv) > 3:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", sys.argv[2]])
open(sys.argv[1], "w").write(str(grandchild.pid))
time.sleep(600)
"""
GRANDCHILD = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"


def program(name: str, code: str, *args: str) -> Program:
    return Program(name, [sys.executable, "-c", code, *args], dict(os.environ), Path.cwd())


def alive(pid: int) -> bool:
    """Running (a zombie no one reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def until(check, timeout: float = 10, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def restart_lines(caplog, name: str) -> list[str]:
    messages = [record.getMessage() for record in caplog.records]
    return [message for message in messages if message.startswith(f"{name} ") and "restarting" in message]


def test_a_child_that_keeps_dying_is_restarted_with_a_growing_delay_and_the_others_keep_running(caplog):
    caplog.set_level(logging.INFO, logger="bot.run.supervisor")

    async def scenario():
        crash, steady = program("crash", "raise SystemExit(3)"), program("steady", "import time; time.sleep(600)")
        supervisor = Supervisor([crash, steady], backoff=QUICK)
        running = asyncio.create_task(supervisor.run())
        steady = await until(lambda: supervisor.pids().get("steady"), what="steady to start")
        await until(lambda: len(restart_lines(caplog, "crash")) >= 5, what="five restarts")
        assert supervisor.pids()["steady"] == steady and alive(steady)  # never touched
        supervisor.stop()
        await asyncio.wait_for(running, 10)
        assert not alive(steady)

    asyncio.run(scenario())
    lines = restart_lines(caplog, "crash")[:5]
    assert [line.split("restarting in ")[1].split(" s")[0] for line in lines] == ["0.05", "0.1", "0.2", "0.2", "0.2"]
    assert all("exited with status 3" in line for line in lines), lines
    assert lines[-1].endswith("(restart 5)")


def test_a_child_killed_alone_loses_its_leftover_processes_before_it_starts_again(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.run.supervisor")
    pid_file = tmp_path / "grandchild"

    async def scenario():
        supervisor = Supervisor([program("server", PARENT, str(pid_file), "import time; time.sleep(600)")],
                                backoff=QUICK)
        running = asyncio.create_task(supervisor.run())
        grandchild = int(await until(lambda: pid_file.exists() and pid_file.read_text(), what="the grandchild"))
        leader = supervisor.pids()["server"]
        pid_file.unlink()
        os.kill(leader, signal.SIGKILL)  # as `kill -9` of the action server's main process
        await until(lambda: not alive(grandchild), what="the orphaned grandchild to be killed")
        new = await until(lambda: supervisor.pids().get("server") not in (None, leader) and supervisor.pids()["server"],
                          what="a new server")
        await until(pid_file.exists, what="the new server's grandchild")
        supervisor.stop()
        await asyncio.wait_for(running, 10)
        return leader, new

    leader, new = asyncio.run(scenario())
    assert alive(new) is False
    lines = restart_lines(caplog, "server")
    assert any(line.startswith(f"server (pid {leader}) was killed by SIGKILL") for line in lines), lines


def test_stopping_kills_a_child_and_its_grandchild_that_ignore_sigterm(tmp_path):
    pid_file = tmp_path / "grandchild"

    async def scenario():
        supervisor = Supervisor([program("server", PARENT, str(pid_file), GRANDCHILD, "ignore")], backoff=QUICK,
                                stop_timeout=0.5)
        running = asyncio.create_task(supervisor.run())
        grandchild = int(await until(lambda: pid_file.exists() and pid_file.read_text(), what="the grandchild"))
        leader = supervisor.pids()["server"]
        supervisor.stop()
        await asyncio.wait_for(running, 10)
        return leader, grandchild

    leader, grandchild = asyncio.run(scenario())
    assert not alive(leader)
    assert not alive(grandchild)


@pytest.mark.parametrize(("previous", "uptime", "expected"), [
    (None, 0.1, 1), (1, 0.1, 2), (2, 5, 4), (16, 0.1, 30), (30, 0.1, 30), (30, 61, 1),
])
def test_back_off_doubles_up_to_the_cap_and_starts_over_after_a_stable_run(previous, uptime, expected):
    assert Backoff(first=1, cap=30, stable_after=60).next(previous, uptime) == expected
