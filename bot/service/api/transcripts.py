"""Staff read back one conversation from Rasa's tracker store (JSON; the HTML screen comes later)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends
from pydantic import AnyHttpUrl

from bot.service import leads, transcript
from bot.service.api.deps import SessionDep, TrackerDep
from bot.service.api.errors import ApiError
from bot.service.api.params import ConversationIdPath
from bot.service.api.responses import problems
from bot.service.auth.deps import require_staff
from bot.service.schemas import LeadLink, Transcript

router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff("mentor"))])

TRANSCRIPT_ROUTE = "conversation_transcript"
MAX_URL_LENGTH = 2048  # leads.transcript_url


def transcript_url(base_url: str, conversation_id: str) -> AnyHttpUrl | None:
    """Where staff read this conversation back; None if it would not fit in the lead."""
    url = f"{base_url.rstrip('/')}{router.prefix}/conversations/{quote(conversation_id, safe='')}/transcript"
    try:
        link = AnyHttpUrl(url)
    except ValueError:  # an odd Host header
        return None
    return link if len(str(link)) <= MAX_URL_LENGTH else None


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
