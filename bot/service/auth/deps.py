"""Who may call what: `require_staff(role)` for the JSON API (bearer token), `page_principal` for pages.

API: a staff access token from POST /api/auth/token, or STAFF_TOKEN (automation, admin rights).
Missing or bad credentials answer 401, too low a role 403. Pages use the login session and
redirect to the login form instead (LoginRequired).
"""

from __future__ import annotations

import secrets
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from bot.service.api.deps import SessionDep, SettingsDep, count_wrong_token, refuse_if_guessing
from bot.service.api.errors import ApiError
from bot.service.auth import sessions, tokens
from bot.service.auth.principal import Principal
from bot.service.db.models import StaffAccount

TOKEN_URL = "/api/auth/token"

# auto_error=False: we answer 401 ourselves, in Dutch, with WWW-Authenticate.
_bearer = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    auto_error=False,
    scheme_name="StaffToken",
    description="Een toegangstoken van POST /api/auth/token (persoonlijk, verloopt), of STAFF_TOKEN (automatisering).",
)


class LoginRequired(Exception):
    """A staff page without a valid login session: the handler redirects to the login form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _unauthorized() -> ApiError:
    return ApiError(status_code=401, detail="Ongeldig of ontbrekend token.", headers={"WWW-Authenticate": "Bearer"})


def _account(session: Session, account_id: int, version: int) -> StaffAccount | None:
    account = session.get(StaffAccount, account_id)
    if account is None or not account.active or account.credentials_version != version:
        return None  # gone, deactivated, or the password changed since the token/session was issued
    return account


def api_principal(
    request: Request, settings: SettingsDep, session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
) -> Principal:
    if not token:
        raise _unauthorized()  # no guess made: not counted
    refuse_if_guessing(request)
    automation_token = settings.staff_token.get_secret_value()  # optional: unset means no automation token
    if automation_token and secrets.compare_digest(token.encode(), automation_token.encode()):
        return Principal.automation()
    claims = tokens.read(token, settings)
    account = claims and _account(session, claims.account_id, claims.credentials_version)
    if not account:
        count_wrong_token(request)
        raise _unauthorized()
    return Principal.of(account)


@cache  # one dependency per role, so FastAPI resolves it once per request
def require_staff(role: str = "mentor"):
    def check_role(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        if not principal.may(role):
            detail = "Alleen een beheerder mag dit." if role == "admin" else "Geen toegang."
            raise ApiError(status_code=403, detail=detail)
        return principal

    return check_role


MentorDep = Annotated[Principal, Depends(require_staff("mentor"))]
AdminDep = Annotated[Principal, Depends(require_staff("admin"))]


def page_principal(request: Request, session: SessionDep) -> Principal:
    claims = sessions.current(request, session)
    account = claims and _account(session, claims.account_id, claims.credentials_version)
    if not account:
        if claims:
            sessions.log_out(request, session)  # a stale session: drop it
        raise LoginRequired(_back_to(request))
    return Principal.of(account)


def _back_to(request: Request) -> str:
    """Where to return after logging in: this page; for a form posted after the session expired,
    the page the form was on (the POST path itself only answers POST). safe_next checks it."""
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc == request.url.netloc and referer.scheme in ("http", "https")
    return referer.path + (f"?{referer.query}" if referer.query else "") if same_site else "/staff"


PageStaffDep = Annotated[Principal, Depends(page_principal)]
