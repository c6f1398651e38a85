"""Leads accepted per second by the lead service, and p95 of `POST /api/leads`.

A real uvicorn process on a migrated SQLite file (the `make run` default), the
mail dispatcher off so only the API is measured; one client, then 8 at once.
"""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.service.factories import lead_payload
from tests.support.servers import ROOT, base_env, free_port, wait_for

TOKEN = "bench-service-token-0123456789"
SEQUENTIAL = 500
CLIENTS, PER_CLIENT = 8, 100


def _post_many(url: str, count: int) -> list[float]:
    timings = []
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.post(f"{url}/api/leads", json=lead_payload())
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise RuntimeError(f"lead refused: {response.status_code} {response.text[:200]}")
    return timings


def measure(workdir: Path) -> dict:
    env = base_env(DATABASE_URL=f"sqlite:///{workdir / 'bench-leads.db'}", SERVICE_TOKEN=TOKEN,
                   DISPATCHER_ENABLED="false")
    subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "bot.service.cli", "migrate"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    log = workdir / "service.log"
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "bot.service.api.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/health", 60, process, log)
        started = time.perf_counter()
        sequential = _post_many(url, SEQUENTIAL)
        sequential_rate = SEQUENTIAL / (time.perf_counter() - started)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            parallel = [t for ts in pool.map(lambda _: _post_many(url, PER_CLIENT), range(CLIENTS)) for t in ts]
        parallel_rate = CLIENTS * PER_CLIENT / (time.perf_counter() - started)
    finally:
        process.terminate()
        process.wait(15)
    return {"sequential": sequential, "sequential_rate": sequential_rate,
            "parallel": parallel, "parallel_rate": parallel_rate}
