"""The local Redis server (CI runs one at 127.0.0.1:6379), for the tests that need a shared store,
and a private one a test may pause. Unreachable or not installed: the test skips, unless
REQUIRE_SERVICES=1 (CI), where it fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.support.postgres import service_missing
from tests.support.servers import free_port, stop_process

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_url_or_skip() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis unreachable at {REDIS_URL}: {type(exc).__name__}"
        service_missing(message)
    finally:
        client.close()
    return REDIS_URL


class PrivateRedis:
    """A Redis server of the test's own (the machine's `redis-server`, nothing kept on disk), which
    the test may pause (SIGSTOP: connections are accepted, nothing is answered, as when Redis hangs
    or the network to it fails) and resume, without disturbing other users of the shared one."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server not installed"
            service_missing(message)
        self.port = free_port()
        self._log = workdir / "redis.log"
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=workdir, stdout=self._log.open("ab"), stderr=subprocess.STDOUT)
        self._wait_until_up()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _wait_until_up(self, timeout: float = 15) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{self._log.read_text()[-2000:]}")
            with contextlib.suppress(redis.RedisError), redis.Redis.from_url(self.url) as client:
                client.ping()
                return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server not up after {timeout} s")

    def pause(self) -> None:
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        stop_process(self._process)
