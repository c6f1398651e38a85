"""The action server's side: hand over a lead; erase a conversation when the visitor says "vergeet mij"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AfterValidator

from bot.service import erasure, leads, persons
from bot.service.api.deps import SessionDep, SettingsDep, require_service_token
from bot.service.api.errors import ApiError
from bot.service.api.params import ConversationIdPath
from bot.service.api.responses import problems
from bot.service.lead_links import staff_base_url
from bot.service.schemas import AskedAt, ConversationErasureResult, ErasureResult, LeadCreate, LeadPublic
from bot.service.validation import clean_text

router = APIRouter(prefix="/api", tags=["leads"], dependencies=[Depends(require_service_token)])


@router.post(
    "/leads",
    response_model=LeadPublic,
    status_code=201,
    responses={200: {"model": LeadPublic, "description": "Deze hand-off was er al: dezelfde lead"}}
    | problems(400, 401, 410, 413, 422, 503),
    summary="Een warme lead overdragen (idempotent per hand-off: gesprek en moment van toestemming)",
)
def create_lead(data: LeadCreate, session: SessionDep, settings: SettingsDep, request: Request, response: Response):
    # Staff open the service where the action server's link says; else where this request came in.
    base = staff_base_url(str(data.transcript_url or request.base_url))
    try:
        result = leads.create_lead(session, data, settings, base)
    except leads.ErasedBeforeArrival:
        raise ApiError(status_code=410, detail="De bezoeker heeft na deze aanvraag gevraagd alles te wissen: "
                       "de aanvraag is niet bewaard.") from None
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
    conversation_id: ConversationIdPath,
    session: SessionDep,
    settings: SettingsDep,
    asked_at: Annotated[
        AskedAt | None,
        Query(description="When the visitor asked (UTC). Only leads handed over and messages sent before it are "
              "erased; a request from the action server's outbox may arrive long after. Left out: now."),
    ] = None,
) -> ConversationErasureResult:
    requested = erasure.request_erasure(session, conversation_id, settings, asked_at=asked_at)
    return ConversationErasureResult(
        leads=requested.leads, notifications=requested.notifications, conversation_erasure_due_at=requested.due_at
    )
