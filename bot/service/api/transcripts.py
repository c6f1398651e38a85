"""Staff read back one visitor's conversation: as JSON by Rasa sender id, or in the browser at
`/staff/gesprekken/bezoeker/{sender id}` (login, then the page of that visitor's latest
conversation), the link mentors' e-mails carried before they linked the lead's own page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from bot.service import leads, transcript
from bot.service.api.conversations import refresh_index
from bot.service.api.deps import SessionDep, TrackerDep
from bot.service.api.errors import ApiError
from bot.service.api.params import ConversationIdPath
from bot.service.api.responses import problems
from bot.service.api.staff_pages import redirect, render
from bot.service.auth.deps import PageStaffDep, require_staff
from bot.service.db.conversation_models import Conversation
from bot.service.schemas import LeadLink, Transcript

router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff("mentor"))])

page_router = APIRouter(include_in_schema=False)
TRANSCRIPT_ROUTE = "conversation_transcript"
VISITOR_PAGE = "/staff/gesprekken/bezoeker/"


@router.get(
    "/conversations/{conversation_id}/transcript",
    name=TRANSCRIPT_ROUTE,
    response_model=Transcript,
    responses=problems(401, 404, 422, 503),
    summary="Een gesprek teruglezen: beurten van bezoeker en assistent, slots, gekoppelde lead",
)
def conversation_transcript(
    conversation_id: ConversationIdPath, session: SessionDep, tracker: TrackerDep
) -> Transcript:
    events = tracker.transcript_events(conversation_id)
    lead = leads.find_by_conversation(session, conversation_id)
    if not events and lead is None:
        raise ApiError(status_code=404, detail="Dit gesprek bestaat niet (meer).")
    turns, slots = transcript.build(events)
    return Transcript(
        conversation_id=conversation_id,
        turns=turns,
        slots=slots,
        lead=LeadLink.model_validate(lead) if lead is not None else None,
    )


@page_router.get(VISITOR_PAGE + "{sender_id:path}")
def visitor_page(sender_id: str, request: Request, session: SessionDep, staff: PageStaffDep) -> Response:
    refresh_index(request)  # after the login check: a stranger's request indexes nothing
    newest = session.scalar(
        select(Conversation.id).where(Conversation.sender_id == sender_id[:255])
        .order_by(Conversation.first_event_id.desc()).limit(1)
    )
    if newest is None:
        return render(request, "staff_message.html", 404, staff=staff, heading="Gesprek niet gevonden",
                      message="Dit gesprek bestaat niet (meer): het kan gewist zijn.")
    return redirect(f"/staff/gesprekken/{newest}")
