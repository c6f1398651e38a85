"""The staff pages' login session: a signed cookie (Starlette's SessionMiddleware, itsdangerous).

The cookie holds the account id and its credentials version, nothing personal; it is HttpOnly,
SameSite=Lax, Secure in production, and expires after STAFF_SESSION_HOURS.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

from bot.service.auth import csrf
from bot.service.auth.keys import derived_key
from bot.service.db.models import StaffAccount
from bot.service.settings import Settings

SESSION_COOKIE = "mw_staff"


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


def log_in(request: Request, account: StaffAccount) -> None:
    # A fresh session (and CSRF token) at login: nothing set before it carries over.
    request.session.clear()
    request.session.update({"staff_id": account.id, "ver": account.credentials_version})
    csrf.rotate(request)


def log_out(request: Request) -> None:
    request.session.clear()  # Starlette then expires the cookie


def current(request: Request) -> SessionClaims | None:
    account_id, version = request.session.get("staff_id"), request.session.get("ver")
    if not isinstance(account_id, int) or not isinstance(version, int):
        return None
    return SessionClaims(account_id, version)
