"""Leads accepted per second by the lead service, and p95 of `POST /api/leads`.

A real uvicorn process on a migrated SQLite file (the `make run` default), the
mail dispatcher off so only the API is measured; one client, then 8 at once.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.service.factories import lead_payload
from tests.support.servers import ServiceServer

SEQUENTIAL = 500
CLIENTS, PER_CLIENT = 8, 100


def _post_many(url: str, token: str, count: int) -> list[float]:
    timings = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.post(f"{url}/api/leads", json=lead_payload())
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise RuntimeError(f"lead refused: {response.status_code} {response.text[:200]}")
    return timings


def measure(workdir: Path) -> dict:
    service = ServiceServer(workdir, env={"DISPATCHER_ENABLED": "false"}, log_level="warning")
    service.start()
    url, token = service.url, service.service_token
    try:
        started = time.perf_counter()
        sequential = _post_many(url, token, SEQUENTIAL)
        sequential_rate = SEQUENTIAL / (time.perf_counter() - started)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            batches = pool.map(lambda _: _post_many(url, token, PER_CLIENT), range(CLIENTS))
            parallel = [timing for batch in batches for timing in batch]
        parallel_rate = CLIENTS * PER_CLIENT / (time.perf_counter() - started)
    finally:
        service.stop()
    return {"sequential": sequential, "sequential_rate": sequential_rate,
            "parallel": parallel, "parallel_rate": parallel_rate}
