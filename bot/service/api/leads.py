"""The action server's side: hand over a lead; erase a conversation when the visitor says "vergeet mij"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import AfterValidator

from bot.service import erasure, leads, persons
from bot.service.api.deps import SessionDep, SettingsDep, require_service_token
from bot.service.api.params import ConversationIdPath
from bot.service.api.responses import problems
from bot.service.api.transcripts import transcript_url
from bot.service.schemas import ConversationErasureResult, ErasureResult, LeadCreate, LeadPublic
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
    if data.transcript_url is None:
        link = transcript_url(str(request.base_url), data.conversation_id)
        data = data.model_copy(update={"transcript_url": link})
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


@router.delete(
    "/conversations/{conversation_id}",
    response_model=ConversationErasureResult,
    responses=problems(401, 422),
    summary='Het hele gesprek wissen ("vergeet mij"): de lead meteen, het gesprek zelf kort daarna',
)
def erase_conversation(
    conversation_id: ConversationIdPath, session: SessionDep, settings: SettingsDep
) -> ConversationErasureResult:
    requested = erasure.request_erasure(session, conversation_id, settings)
    return ConversationErasureResult(
        leads=requested.leads, notifications=requested.notifications, conversation_erasure_due_at=requested.due_at
    )
