"""The action server's side: hand over a lead, or erase one when the visitor says "vergeet mij"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import AfterValidator

from bot.service import leads, persons
from bot.service.api.deps import SessionDep, SettingsDep, require_service_token
from bot.service.api.responses import problems
from bot.service.schemas import ErasureResult, LeadCreate, LeadPublic
from bot.service.validation import clean_text

router = APIRouter(prefix="/api", tags=["leads"], dependencies=[Depends(require_service_token)])


@router.post(
    "/leads",
    response_model=LeadPublic,
    status_code=201,
    responses={200: {"model": LeadPublic, "description": "Deze hand-off was er al: dezelfde lead"}}
    | problems(400, 401, 413, 422, 503),
    summary="Een warme lead overdragen (idempotent per gesprek)",
)
def create_lead(data: LeadCreate, session: SessionDep, settings: SettingsDep, request: Request, response: Response):
    result = leads.create_lead(session, data, settings)
    if result.created:
        dispatcher = getattr(request.app.state, "dispatcher", None)
        if dispatcher is not None:
            dispatcher.wake()  # tell the mentor now rather than at the next round
    else:
        response.status_code = 200
    return result.lead


@router.delete(
    "/conversations/{conversation_id}/lead",
    response_model=ErasureResult,
    responses=problems(401, 422),
    summary='De lead van dit gesprek wissen ("vergeet mij" in de chat)',
)
def erase_conversation_lead(
    conversation_id: Annotated[str, Path(min_length=1, max_length=128), AfterValidator(clean_text)], session: SessionDep
) -> ErasureResult:
    erased = persons.erase_conversation(session, conversation_id)
    return ErasureResult(leads=erased.leads, notifications=erased.notifications)
