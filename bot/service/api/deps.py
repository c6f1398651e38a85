"""Dependencies shared by the routers: settings, database session, tracker store, the service token check.

Staff credentials (accounts, tokens, STAFF_TOKEN, roles) are checked in bot/service/auth/deps.py."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bot.service.api.errors import ApiError
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

# auto_error=False: we answer 401 ourselves, in Dutch, with WWW-Authenticate.
_service_bearer = HTTPBearer(auto_error=False, scheme_name="ServiceToken", description="Token of the action server")


def _check(credentials: HTTPAuthorizationCredentials | None, expected: str) -> None:
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise ApiError(
            status_code=401,
            detail="Ongeldig of ontbrekend token.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_service_token(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_bearer)]
) -> None:
    _check(credentials, settings.service_token.get_secret_value())
