"""GET /health: is the service up and can it reach its database?"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.service.api.errors import RETRY_AFTER_SECONDS
from bot.service.schemas import Health

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "Database niet bereikbaar"}},
    summary="Status van de service en de database",
)
def health(request: Request) -> JSONResponse:
    dispatcher = request.app.state.dispatcher
    rounds = dispatcher.rounds if dispatcher is not None else None
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        body = Health(status="unavailable", database="unreachable", dispatcher_rounds=rounds)
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return JSONResponse(Health(status="ok", database="ok", dispatcher_rounds=rounds).model_dump())
