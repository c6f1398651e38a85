"""The local Redis server (CI runs one at 127.0.0.1:6379), for the tests that need a shared store.
Unreachable: the test skips, unless REQUIRE_SERVICES=1 (CI), where it fails."""

from __future__ import annotations

import os

import pytest

from tests.support.postgres import REQUIRE_SERVICES

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_url_or_skip() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis unreachable at {REDIS_URL}: {type(exc).__name__}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL
