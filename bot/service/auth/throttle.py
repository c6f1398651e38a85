"""Failed credentials are counted (the `limits` package), so guessing stays slow.

- Wrong passwords per account and client address: after `LOGIN_MAX_FAILURES` within
  `LOGIN_FAILURE_WINDOW_MINUTES` every attempt for that e-mail address from that address is
  refused, right or wrong, until the window moves on. A successful login clears the count.
- Wrong bearer tokens (SERVICE_TOKEN, STAFF_TOKEN, staff access tokens) per client address:
  after `TOKEN_MAX_FAILURES` within `TOKEN_FAILURE_WINDOW_MINUTES` every bearer request from that
  address gets 429 without its token being looked at.
Storage is in memory (per process) unless RATE_LIMIT_STORAGE_URL points at Redis, which several
service instances can share.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.service.settings import Settings

LOGIN_NAMESPACE = "mentorwijzer-login-failures"
TOKEN_NAMESPACE = "mentorwijzer-token-failures"


class ThrottleUnavailable(Exception):
    """The counter's storage (Redis) cannot be reached."""


class FailureThrottle:
    """Counts failures per key within a moving window; past the limit, `retry_after` says how long."""

    def __init__(self, storage: Storage, max_failures: int, window_minutes: int, namespace: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._limit = RateLimitItemPerMinute(max_failures, window_minutes, namespace=namespace)

    def retry_after(self, *key: str) -> int | None:
        """Seconds to wait before trying again, or None when an attempt may be made now."""
        try:
            if self._limiter.test(self._limit, *key):
                return None
            reset_at = self._limiter.get_window_stats(self._limit, *key).reset_time
        except Exception as exc:  # the storage backend's own errors (redis.ConnectionError, ...)
            raise ThrottleUnavailable(type(exc).__name__) from exc
        return max(1, math.ceil(reset_at - time.time()))

    def failed(self, *key: str) -> None:
        try:
            self._limiter.hit(self._limit, *key)
        except Exception as exc:
            raise ThrottleUnavailable(type(exc).__name__) from exc

    def succeeded(self, *key: str) -> None:
        try:
            self._limiter.clear(self._limit, *key)
        except Exception as exc:
            raise ThrottleUnavailable(type(exc).__name__) from exc


class LoginThrottle(FailureThrottle):
    """Keyed by (e-mail address, client address)."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        super().__init__(storage or storage_from_string(settings.rate_limit_storage_url),
                         settings.login_max_failures, settings.login_failure_window_minutes, LOGIN_NAMESPACE)

    @staticmethod
    def _key(email: str, client: str) -> tuple[str, str]:
        return email.strip().lower()[:254], client

    def retry_after(self, email: str, client: str) -> int | None:  # type: ignore[override]
        return super().retry_after(*self._key(email, client))

    def failed(self, email: str, client: str) -> None:  # type: ignore[override]
        super().failed(*self._key(email, client))

    def succeeded(self, email: str, client: str) -> None:  # type: ignore[override]
        super().succeeded(*self._key(email, client))


def token_throttle(settings: Settings, storage: Storage | None = None) -> FailureThrottle:
    """Keyed by client address alone: a token names no account."""
    return FailureThrottle(storage or storage_from_string(settings.rate_limit_storage_url),
                           settings.token_max_failures, settings.token_failure_window_minutes, TOKEN_NAMESPACE)
