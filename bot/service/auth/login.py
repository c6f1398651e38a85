"""One login attempt, the same for the token endpoint and the login form: throttle, then check."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.service.auth import accounts
from bot.service.auth.throttle import LoginThrottle
from bot.service.db.models import StaffAccount
from bot.service.validation import clean_text

MAX_EMAIL_LENGTH = 254


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _plausible(email: str) -> bool:
    # Garbage (control characters, NUL, too long) is a failed attempt, never a database query.
    try:
        clean_text(email)
    except ValueError:
        return False
    return 0 < len(email.strip()) <= MAX_EMAIL_LENGTH


def attempt(session: Session, throttle: LoginThrottle, email: str, password: str, client: str) -> StaffAccount | None:
    """The account, None for a wrong e-mail/password (whichever it was), or Throttled."""
    wait = throttle.retry_after(email, client)
    if wait is not None:
        raise Throttled(wait)
    account = accounts.authenticate(session, email, password) if _plausible(email) else None
    if account is None:
        throttle.failed(email, client)
    else:
        throttle.succeeded(email, client)
    return account


def client_address(host: str | None) -> str:
    # Behind a reverse proxy run uvicorn with --proxy-headers, or every visitor shares one address.
    return host or "unknown"
