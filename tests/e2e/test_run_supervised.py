"""`make run` under its supervisor: each process killed in turn comes back, the others keep serving,
the conversation goes on; Ctrl-C leaves nothing behind.

Started exactly as `make run` starts it (scripts/run.sh) on a machine with no settings but free
ports and VAR_DIR (database, outbox, mail, generated secrets in a temporary directory). One stack
for the module, Rasa's start being the slow part; the tests run in file order and each leaves
the stack whole again for the next.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import asked_dimension, button_for, is_recommendation, texts
from tests.support.servers import MODEL, RASA_START_TIMEOUT, ROOT, free_port
from tests.support.waiting import wait_until

ANSWERS = dict(goal="skill", guide_role="expert", horizon="short", scope="work", setting="group")
STARTED = re.compile(r"started (\w+) \(pid (\d+)\)")
READY = "Mentorwijzer is running."
SECRETS = ("SERVICE_TOKEN", "STAFF_SECRET_KEY", "WIDGET_SESSION_SECRET", "ACTION_SERVER_TOKEN")
HOLDS = {  # the generated secrets each process needs, and no other
    "smtp": set(),
    "service": {"SERVICE_TOKEN", "STAFF_SECRET_KEY"},
    "worker": {"SERVICE_TOKEN"},
    "actions": {"SERVICE_TOKEN", "ACTION_SERVER_TOKEN"},
    "rasa": {"ACTION_SERVER_TOKEN", "WIDGET_SESSION_SECRET"},
}


@dataclass
class MakeRun:
    process: subprocess.Popen
    log: Path
    var_dir: Path
    ports: dict[str, int]
    sender: str = field(default_factory=lambda: f"supervised-{uuid.uuid4().hex[:12]}")
    replies: list[dict] = field(default_factory=list)  # the bot's last answer in the conversation

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        """name -> pid of each process's latest start, as the supervisor's log says."""
        return {name: int(pid) for name, pid in STARTED.findall(self.output())}

    def every_pid_started(self) -> set[int]:
        return {int(pid) for _, pid in STARTED.findall(self.output())}

    def url(self, name: str) -> str | None:
        return {
            "service": f"http://127.0.0.1:{self.ports['SERVICE_PORT']}/health",
            "actions": f"http://127.0.0.1:{self.ports['ACTIONS_PORT']}/health",
            "rasa": f"http://127.0.0.1:{self.ports['RASA_PORT']}/webhooks/rest/",
        }.get(name)

    def serves(self, name: str) -> bool:
        if name == "smtp":
            return smtp_greets(self.ports["SMTP_PORT"])
        if name == "worker":  # no port: each worker started has said it is at work, and the last one runs
            output = self.output()
            return (alive(self.pids()["worker"])
                    and output.count("outbox worker started") == output.count("started worker (pid"))
        try:
            return httpx.get(self.url(name), timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def say(self, message: str) -> list[dict]:
        response = httpx.post(f"http://127.0.0.1:{self.ports['RASA_PORT']}/webhooks/rest/webhook",
                              json={"sender": self.sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def next_turn(self) -> list[dict]:
        """Answer the open question with a button, or, after the advice, ask "waar waren we?"."""
        dimension = asked_dimension(self.replies)
        message = button_for(self.replies, dimension, ANSWERS[dimension]) if dimension else "waar waren we?"
        replies = self.say(message)
        assert FAILURE_REPLY not in texts(replies), replies
        assert asked_dimension(replies) or is_recommendation(replies), f"no question, no advice: {replies}"
        self.replies = replies
        return replies


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie does not count
    except FileNotFoundError:
        return False


def environment_names(pid: int) -> set[str]:
    with open(f"/proc/{pid}/environ", "rb") as environ:
        return {entry.split(b"=", 1)[0].decode() for entry in environ.read().split(b"\0") if entry}


def group(pgid: int) -> set[int]:
    """The live processes of process group `pgid` (`ps`, as one would check by hand)."""
    rows = subprocess.run(["ps", "-eo", "pid=,pgid=,stat="], capture_output=True, text=True, check=True).stdout
    return {int(pid) for pid, gid, stat in (row.split() for row in rows.splitlines())
            if int(gid) == pgid and not stat.startswith("Z")}


def smtp_greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            return connection.recv(64).startswith(b"220")
    except OSError:
        return False


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is not "held"
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    assert MODEL.exists(), "train the model first: make train"
    var_dir = tmp_path_factory.mktemp("make-run")
    ports = {name: free_port() for name in ("RASA_PORT", "ACTIONS_PORT", "SERVICE_PORT", "SMTP_PORT")}
    # A fresh machine: no settings at all, only where to listen and where to keep files.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update({name: str(port) for name, port in ports.items()}, VAR_DIR=str(var_dir))
    log = var_dir / "make-run.log"
    # A session of its own, as `make run` in a terminal: Ctrl-C goes to its whole foreground group.
    process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                               stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    run = MakeRun(process, log, var_dir, ports)
    try:
        wait_until(lambda: READY in run.output() or process.poll() is not None, RASA_START_TIMEOUT + 60, "make run")
        assert READY in run.output(), run.output()[-4000:]
        yield run
    finally:  # whatever a failed test left running
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30)
        for pid in run.every_pid_started() | {process.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        process.wait()


def test_a_fresh_make_run_answers_and_keeps_its_files_and_secrets_in_var_dir(make_run):
    make_run.replies = make_run.say("ik wil beter leren presenteren")
    assert asked_dimension(make_run.replies), make_run.replies

    secrets_dir = make_run.var_dir / "secrets"
    assert sorted(path.name for path in secrets_dir.iterdir()) == sorted(SECRETS)
    assert all((secrets_dir / name).stat().st_mode & 0o077 == 0 for name in SECRETS)  # the owner's alone
    assert (make_run.var_dir / "mentorwijzer.db").exists() and (make_run.var_dir / "mail" / "new").is_dir()
    # The service got the generated SERVICE_TOKEN: with it a lead is checked (422), without it refused.
    leads = f"http://127.0.0.1:{make_run.ports['SERVICE_PORT']}/api/leads"
    token = (secrets_dir / "SERVICE_TOKEN").read_text().strip()
    assert httpx.post(leads, json={}, headers={"Authorization": f"Bearer {token}"}).status_code == 422
    assert httpx.post(leads, json={}, headers={"Authorization": f"Bearer {'x' * 40}"}).status_code == 401
    assert {name: environment_names(pid) & set(SECRETS) for name, pid in make_run.pids().items()} == HOLDS


# Rasa last: it takes a minute or two to start again.
@pytest.mark.parametrize("victim", ["actions", "actions-main-only", "service", "worker", "smtp", "rasa"])
def test_a_killed_process_comes_back_while_the_others_keep_serving(make_run, victim):
    name = victim.removesuffix("-main-only")
    before = make_run.pids()
    old = before[name]
    workers = group(old) - {old}
    if name == "actions":
        assert workers, "the action server should serve from worker processes (Sanic)"

    if victim == "actions":
        os.killpg(old, signal.SIGKILL)  # the server and its workers, as when its container dies
    else:
        os.kill(old, signal.SIGKILL)  # `kill -9 <pid>`: for the action server its workers live on
    wait_until(lambda: not alive(old), 10, f"{name} to die")

    # Meanwhile every other process answers (the first restart waits a second).
    for other in before.keys() - {name}:
        assert make_run.serves(other), f"{other} stopped serving when {name} was killed"

    new = wait_until(lambda: make_run.pids()[name] != old and make_run.pids()[name], 30, f"{name} restarted")
    wait_until(lambda: make_run.serves(name), RASA_START_TIMEOUT if name == "rasa" else 60, f"{name} to serve")
    assert alive(new)
    assert not any(alive(pid) for pid in workers), "the old action server's workers outlived it"
    assert {other: pid for other, pid in make_run.pids().items() if other != name} == {
        other: pid for other, pid in before.items() if other != name}, "another process was restarted"
    assert re.search(rf"{name} \(pid {old}\) was killed by SIGKILL after [\d.]+ s; restarting in [\d.]+ s "
                     r"\(restart \d+\)", make_run.output())

    replies = make_run.next_turn()  # the visitor goes on where they were
    if name == "rasa":  # the advice, from the tracker store, after five answers and five restarts
        assert is_recommendation(replies), replies


def test_ctrl_c_stops_every_process_and_what_they_started(make_run):
    leaders = make_run.pids()
    started = {pid for leader in leaders.values() for pid in group(leader)}
    assert len(started) > len(leaders)  # the action server's workers too

    os.killpg(make_run.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert make_run.process.wait(60) == 0
    assert "every process stopped" in make_run.output()
    left = {pid for pid in make_run.every_pid_started() | started if alive(pid)}
    left |= {pid for leader in make_run.every_pid_started() for pid in group(leader)}
    assert not left, subprocess.run(["ps", "-o", "pid,pgid,args", "-p", ",".join(map(str, left))],
                                    capture_output=True, text=True).stdout
    wait_until(lambda: all(port_free(port) for port in make_run.ports.values()), 10, "the ports to be free")
