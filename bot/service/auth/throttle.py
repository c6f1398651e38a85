"""Wrong passwords are limited per account and client address (the `limits` package).

Only failures count: after `LOGIN_MAX_FAILURES` within `LOGIN_FAILURE_WINDOW_MINUTES` every attempt
for that e-mail address from that address is refused, right or wrong, until the window moves on.
A successful login clears the count. Storage is in memory (per process) unless
RATE_LIMIT_STORAGE_URL points at Redis, which several service instances can share.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.service.settings import Settings

NAMESPACE = "mentorwijzer-login-failures"


class ThrottleUnavailable(Exception):
    """The counter's storage (Redis) cannot be reached: logins wait rather than go uncounted."""


class LoginThrottle:
    def __init__(self, settings: Settings) -> None:
        self._storage = storage_from_string(settings.rate_limit_storage_url)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._limit = RateLimitItemPerMinute(
            settings.login_max_failures, settings.login_failure_window_minutes, namespace=NAMESPACE
        )

    @staticmethod
    def _key(email: str, client: str) -> tuple[str, str]:
        return email.strip().lower()[:254], client

    def retry_after(self, email: str, client: str) -> int | None:
        """Seconds to wait before trying again, or None when an attempt may be made now."""
        key = self._key(email, client)
        try:
            if self._limiter.test(self._limit, *key):
                return None
            reset_at = self._limiter.get_window_stats(self._limit, *key).reset_time
        except Exception as exc:  # the storage backend's own errors (redis.ConnectionError, ...)
            raise ThrottleUnavailable(type(exc).__name__) from exc
        return max(1, math.ceil(reset_at - time.time()))

    def failed(self, email: str, client: str) -> None:
        try:
            self._limiter.hit(self._limit, *self._key(email, client))
        except Exception as exc:
            raise ThrottleUnavailable(type(exc).__name__) from exc

    def succeeded(self, email: str, client: str) -> None:
        try:
            self._limiter.clear(self._limit, *self._key(email, client))
        except Exception as exc:
            raise ThrottleUnavailable(type(exc).__name__) from exc
