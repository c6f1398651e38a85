"""Start the real Rasa server and action server for tests and benchmarks."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
RASA_START_TIMEOUT = 300  # seconds; Rasa 3.6 needs ~60-100 s on two cores


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
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


@dataclass
class ActionServer:
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> None:
        log = self.workdir / "actions.log"
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.port)],
            cwd=ROOT, env=base_env(), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_for(f"http://127.0.0.1:{self.port}/health", 60, self.process, log)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class RasaServer:
    workdir: Path
    action_url: str
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.workdir / "rasa.log"
        env = base_env(
            ACTION_ENDPOINT_URL=self.action_url,
            TRACKER_DB_DIALECT="sqlite",
            TRACKER_DB=str(self.workdir / "tracker.db"),
        )
        self.process = subprocess.Popen(
            [str(ROOT / ".venv-rasa/bin/rasa"), "run", "--model", str(MODEL), "--port", str(self.port),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
             "--enable-api", "--auth-token", self.token],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_for(f"{self.url}/webhooks/rest/", RASA_START_TIMEOUT, self.process, log)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def send(self, sender: str, message: str) -> list[dict]:
        response = httpx.post(f"{self.url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = httpx.get(f"{self.url}/conversations/{sender}/tracker",
                             params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]
