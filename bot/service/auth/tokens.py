"""Signed, expiring bearer tokens for the staff JSON API (JWT, HS256, PyJWT)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from bot.service.auth.keys import derived_key
from bot.service.db.models import StaffAccount
from bot.service.db.types import utcnow
from bot.service.settings import Settings

ALGORITHM = "HS256"
ISSUER = "mentorwijzer"
AUDIENCE = "mentorwijzer-staff-api"


@dataclass(frozen=True)
class Issued:
    token: str
    expires_in: int  # seconds


@dataclass(frozen=True)
class Claims:
    account_id: int
    credentials_version: int


def issue(account: StaffAccount, settings: Settings, now: datetime | None = None) -> Issued:
    now = now or utcnow()
    lifetime = timedelta(minutes=settings.staff_token_lifetime_minutes)
    # The role is not in the token: it is read from the account at every request, so a change counts at once.
    payload = {
        "sub": str(account.id),
        "ver": account.credentials_version,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + lifetime,
    }
    token = jwt.encode(payload, derived_key(settings, "access-token"), algorithm=ALGORITHM)
    return Issued(token=token, expires_in=int(lifetime.total_seconds()))


def read(token: str, settings: Settings) -> Claims | None:
    """The token's account, or None for anything forged, expired, or not one of ours."""
    try:
        payload = jwt.decode(
            token,
            derived_key(settings, "access-token"),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["sub", "ver", "exp", "iat"]},
        )
        claims = Claims(account_id=int(payload["sub"]), credentials_version=int(payload["ver"]))
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None
    return claims if 1 <= claims.account_id <= 2**31 - 1 else None
