"""The staff pages' login session: a signed cookie (Starlette's SessionMiddleware, itsdangerous)
holding a random session key, and a row per session in `staff_sessions`.

The cookie holds the key and the CSRF token, nothing personal; it is HttpOnly, SameSite=Lax,
Secure in production. The server keeps the key's SHA-256 with the account and when it expires
(STAFF_SESSION_HOURS): logging out deletes the row, so a copy of the cookie is worthless from then
on, and a password change or deactivation (credentials_version) ends every session of the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from bot.service.auth import csrf
from bot.service.auth.keys import derived_key
from bot.service.db.models import StaffAccount, StaffSession
from bot.service.db.types import utcnow
from bot.service.settings import Settings

SESSION_COOKIE = "mw_staff"
_KEY = "sid"


@dataclass(frozen=True)
class SessionClaims:
    account_id: int
    credentials_version: int


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=derived_key(settings, "session-cookie"),
        session_cookie=SESSION_COOKIE,
        max_age=settings.staff_session_hours * 3600,
        same_site="lax",
        https_only=settings.staff_cookie_https_only,
    )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def log_in(request: Request, db: Session, account: StaffAccount, hours: int) -> None:
    # A fresh session (and CSRF token) at login: nothing set before it carries over.
    request.session.clear()
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(StaffSession).where(StaffSession.expires_at < now))  # tidy up, no job needed
    db.add(StaffSession(key_hash=_hash(key), account_id=account.id, credentials_version=account.credentials_version,
                        created_at=now, expires_at=now + timedelta(hours=hours)))
    db.commit()
    request.session[_KEY] = key
    csrf.rotate(request)


def log_out(request: Request, db: Session) -> None:
    """Ends this session on the server, then Starlette expires the cookie."""
    key = request.session.get(_KEY)
    if isinstance(key, str):
        db.execute(delete(StaffSession).where(StaffSession.key_hash == _hash(key)))
        db.commit()
    request.session.clear()


def current(request: Request, db: Session) -> SessionClaims | None:
    key = request.session.get(_KEY)
    if not isinstance(key, str):
        return None
    row = db.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    if row is None or row.expires_at <= utcnow():
        return None
    return SessionClaims(row.account_id, row.credentials_version)
