"""Dependencies shared by the routers: settings, database session, tracker store, the service token check.

Staff credentials (accounts, tokens, STAFF_TOKEN, roles) are checked in bot/service/auth/deps.py."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bot.service.api.errors import ApiError
from bot.service.auth.login import client_address
from bot.service.auth.throttle import ThrottleUnavailable
from bot.service.db.session import get_session
from bot.service.settings import Settings
from bot.service.tracker.store import TrackerStore


def get_app_settings(request: Request) -> Settings:
    # The settings `create_app` was given, not the environment: tests pass their own.
    return request.app.state.settings


def get_tracker(request: Request) -> TrackerStore:
    return request.app.state.tracker


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
TrackerDep = Annotated[TrackerStore, Depends(get_tracker)]

log = logging.getLogger(__name__)


def _client(request: Request) -> str:
    return client_address(request.client and request.client.host)


def refuse_if_guessing(request: Request) -> None:
    """429 before any token is compared, for an address with too many wrong tokens lately."""
    try:
        wait = request.app.state.token_throttle.retry_after(_client(request))
    except ThrottleUnavailable:
        # Open, unlike logins: the tokens are long and random, and hand-offs must not stop with Redis.
        log.warning("token throttle storage unreachable (RATE_LIMIT_STORAGE_URL): tokens not counted")
        return
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise ApiError(status_code=429, headers={"Retry-After": str(wait)},
                       detail=f"Te veel ongeldige tokens. Probeer het over {minutes} "
                              f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.")


def count_wrong_token(request: Request) -> None:
    try:
        request.app.state.token_throttle.failed(_client(request))
    except ThrottleUnavailable:
        log.warning("token throttle storage unreachable (RATE_LIMIT_STORAGE_URL): tokens not counted")


# auto_error=False: we answer 401 ourselves, in Dutch, with WWW-Authenticate.
_service_bearer = HTTPBearer(auto_error=False, scheme_name="ServiceToken", description="Token of the action server")


def require_service_token(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_bearer)],
) -> None:
    refuse_if_guessing(request)
    given = credentials.credentials if credentials else ""
    expected = settings.service_token.get_secret_value()
    if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
        count_wrong_token(request)
        raise ApiError(status_code=401, detail="Ongeldig of ontbrekend token.", headers={"WWW-Authenticate": "Bearer"})
