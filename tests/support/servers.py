"""Start the real servers for tests and benchmarks: Rasa, actions, the lead service, the outbox worker."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
RASA_START_TIMEOUT = 300  # seconds; Rasa needs ~20 s on two cores (bot/rasa_speedups.py), far more when busy
# Shared by every Rasa and action server of one test run, as by the processes of one deployment.
# Random: no placeholder is accepted by any process (bot/secret_rules.py).
RUN_SECRETS = {"ACTION_SERVER_TOKEN": secrets.token_urlsafe(32), "WIDGET_SESSION_SECRET": secrets.token_urlsafe(32)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(RUN_SECRETS)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.update(extra)
    return env


def wait_for(url: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {timeout} s:\n{log.read_text()[-4000:]}")


def stop_process(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kill_process_group(process: subprocess.Popen | None) -> None:
    """SIGKILL to every process of the group `process` leads (started with start_new_session=True)."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_or_kill(url: str, timeout: float, process: subprocess.Popen, log: Path, group: bool = False) -> None:
    """`wait_for`, but a server that does not come up is killed, not left running after the test fails."""
    try:
        wait_for(url, timeout, process, log)
    except BaseException:
        if group:
            kill_process_group(process)
        else:
            stop_process(process, signal.SIGKILL)
        raise


@dataclass
class ActionServer:
    workdir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    @property
    def rasa_headers(self) -> dict[str, str]:
        """What Rasa sends with every call (endpoints.yml): without it the server refuses."""
        token = self.env.get("ACTION_SERVER_TOKEN") or RUN_SECRETS["ACTION_SERVER_TOKEN"]
        return {"Authorization": f"Bearer {token}"}

    def start(self) -> None:
        log = self.workdir / "actions.log"
        # A process group of its own: rasa_sdk's Sanic serves from worker processes, which outlive a
        # main process that is killed (SIGKILL cannot be passed on), and would go on answering.
        # Its own SERVICE_TOKEN unless the test links it to a lead service (it refuses to start without one).
        env = base_env(**{"SERVICE_TOKEN": secrets.token_urlsafe(32), **self.env})
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "-m", "actions.server", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_or_kill(f"http://127.0.0.1:{self.port}/health", 60, self.process, log, group=True)

    def stop(self) -> None:
        stop_process(self.process)
        kill_process_group(self.process)  # whatever a clean stop left behind
        self.process = None

    def kill(self) -> None:
        """SIGKILL to the server and its workers, as when its container or host dies: no clean shutdown."""
        kill_process_group(self.process)
        self.process = None


@dataclass
class RasaServer:
    workdir: Path
    action_url: str
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    startup_seconds: float = 0.0  # the last start: launch until REST answers (make bench reports it)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.workdir / "rasa.log"
        env = base_env(
            ACTION_ENDPOINT_URL=self.action_url,
            RASA_PORT=str(self.port),
            RASA_MODEL=str(MODEL),
            RASA_AUTH_TOKEN=self.token,
            **self.env,
        )
        # The script `make run` uses (it execs Rasa, so signals reach Rasa itself).
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "rasa-server.sh")],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_or_kill(f"{self.url}/webhooks/rest/", RASA_START_TIMEOUT, self.process, log)
        self.startup_seconds = time.perf_counter() - began

    def stop(self) -> None:
        stop_process(self.process, signal.SIGINT, timeout=30)
        self.process = None

    def send(self, sender: str, message: str) -> list[dict]:
        response = httpx.post(f"{self.url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, conversation_id: str) -> dict:
        response = httpx.get(f"{self.url}/conversations/{conversation_id}/tracker",
                             params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def slots(self, conversation_id: str) -> dict:
        return self.tracker(conversation_id)["slots"]

    def user_texts(self, conversation_id: str) -> list[str]:
        """What the visitor said, as the tracker store kept it."""
        return [event["text"] for event in self.tracker(conversation_id)["events"] if event["event"] == "user"]


@dataclass
class ServiceServer:
    """The lead service (uvicorn, SQLite in `workdir` unless `env` sets DATABASE_URL), migrated before its first
    start."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    service_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    staff_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    staff_secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    log_level: str = "info"
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.workdir / "leads.db"

    def _env(self) -> dict[str, str]:
        # `env` may replace any of these, e.g. DATABASE_URL with a PostgreSQL database.
        defaults = {"DATABASE_URL": f"sqlite:///{self.database}", "SERVICE_TOKEN": self.service_token,
                    "STAFF_TOKEN": self.staff_token, "STAFF_SECRET_KEY": self.staff_secret_key,
                    "SERVICE_PORT": str(self.port)}
        return base_env(**{**defaults, **self.env})

    def start(self) -> None:
        log = self.workdir / "service.log"
        subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "bot.service.cli", "migrate"], cwd=ROOT,
                       env=self._env(), check=True, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        # The command `make run` uses (uvicorn with X-Forwarded-For only from SERVICE_TRUSTED_PROXIES).
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "-m", "bot.service.serve", "--log-level", self.log_level],
            cwd=ROOT, env=self._env(), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_or_kill(f"{self.url}/health", 60, self.process, log)

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def dispatcher_rounds(self) -> int:
        """Finished rounds of the service's mail/erasure loop (GET /health): something to wait on."""
        return httpx.get(f"{self.url}/health", timeout=10).json()["dispatcher_rounds"]

    def after_dispatcher_rounds(self, rounds: int = 2) -> None:
        """Return once the loop has gone round `rounds` more times: whatever it would do twice, it has had
        the chance to."""
        target = self.dispatcher_rounds() + rounds
        wait_until(lambda: self.dispatcher_rounds() >= target, what=f"{rounds} more dispatcher rounds")

    def staff(self, path: str, **params: object) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params,
                         headers={"Authorization": f"Bearer {self.staff_token}"}, timeout=30)


@dataclass
class OutboxWorker:
    """`python -m actions.lead_service.worker`: delivers what the action server could not."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.workdir / "outbox-worker.log"
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "-m", "actions.lead_service.worker"],
            cwd=ROOT, env=base_env(**self.env), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def outbox(self) -> list[dict]:
        """What waits in its (SQLite) outbox: kind, status and delivery attempts per row."""
        path = self.env["LEAD_OUTBOX_URL"].removeprefix("sqlite:///")
        if not Path(path).exists():
            return []
        with contextlib.closing(sqlite3.connect(path)) as db:
            rows = db.execute("SELECT kind, status, attempts FROM lead_outbox ORDER BY id").fetchall()
        return [{"kind": kind, "status": status, "attempts": attempts} for kind, status, attempts in rows]
