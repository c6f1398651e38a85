"""Staff JSON API for conversations: list and filter, read one, review, tag, note, flag messages,
export the flags as NLU training data, the dashboard figures, export a conversation, erase a person.

The staff pages (staff_conversations.py) do the same through the same functions in
bot/service/conversations/; this module only translates HTTP.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AfterValidator
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.service.api.deps import SessionDep, SettingsDep, TrackerDep
from bot.service.api.errors import ApiError
from bot.service.api.responses import problems
from bot.service.auth import audit
from bot.service.auth.deps import AdminDep, MentorDep, require_staff
from bot.service.conversations import dashboard, export, flags, indexer, listing, reading, review
from bot.service.conversations.erase import erase_person
from bot.service.conversations.intents import known_intents
from bot.service.conversations.schemas import (
    Channel,
    ConversationDetail,
    ConversationList,
    Dashboard,
    Flag,
    FlagCreate,
    FlagList,
    Note,
    NoteCreate,
    PersonErased,
    RecommendationFilter,
    ReviewUpdate,
    TagsUpdate,
)
from bot.service.db.conversation_models import Conversation
from bot.service.db.types import utcnow
from bot.service.schemas import Need, Problem
from bot.service.validation import as_utc, clean_text

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/staff", tags=["staff: gesprekken"], dependencies=[Depends(require_staff("mentor"))])
ADMIN_ONLY = {403: {"model": Problem, "description": "Alleen voor beheerders (admin)"}}
REQUEST_CATCH_UP_BATCHES = 5  # a request waits for at most this much indexing; the background loop does the rest

ConversationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Gesprek-id (uit de lijst)")]
QueryTime = Annotated[datetime | None, Query(), AfterValidator(lambda value: value and as_utc(value))]
SearchText = Annotated[str | None, Query(max_length=200), AfterValidator(lambda value: value and clean_text(value))]
TagQuery = Annotated[str | None, Query(max_length=40)]


def refresh_index(request: Request) -> None:
    """Index what Rasa stored since the last pass, so the list shows the conversation just held.
    An unreachable tracker store leaves the list as it was instead of failing the page."""
    try:
        indexer.catch_up(request.app.state.sessionmaker, request.app.state.tracker, REQUEST_CATCH_UP_BATCHES)
    except SQLAlchemyError as exc:
        log.warning("conversation index not refreshed: %s", type(exc).__name__)


IndexedDep = Depends(refresh_index)


def conversation_or_404(session: Session, conversation_id: int) -> Conversation:
    row = reading.get(session, conversation_id)
    if row is None:
        raise ApiError(status_code=404, detail="Dit gesprek bestaat niet (meer).")
    return row


def conversation_filter(
    started_from: QueryTime = None,
    started_to: QueryTime = None,
    channel: Channel | None = None,
    need: Need | None = None,
    recommendation: RecommendationFilter | None = None,
    handed_over: bool | None = None,
    reviewed: bool | None = None,
    tag: TagQuery = None,
    q: SearchText = None,
) -> listing.ConversationFilter:
    if started_from and started_to and started_from > started_to:
        raise ApiError(status_code=422, detail="started_from ligt na started_to.")
    return listing.ConversationFilter(
        started_from=started_from, started_to=started_to, channel=channel, need=need, recommendation=recommendation,
        handed_over=handed_over, reviewed=reviewed, tag=tag.strip() if tag else None, text=q or None,
    )


FilterDep = Annotated[listing.ConversationFilter, Depends(conversation_filter)]


@router.get("/conversations", response_model=ConversationList, responses=problems(401, 422),
            dependencies=[IndexedDep], summary="Gesprekken, nieuwste eerst; filters en zoeken in de tekst")
def list_conversations(
    session: SessionDep,
    wanted: FilterDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ConversationList:
    found = listing.page(session, wanted, limit, offset)
    return ConversationList(
        items=[reading.summary(row, found.leads.get(row.sender_id)) for row in found.items],
        total=found.total, limit=limit, offset=offset,
    )


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail,
            responses=problems(401, 404, 422, 503), dependencies=[IndexedDep],
            summary="Eén gesprek: berichten met intent en zekerheid, slots, advies met redenen, lead")
def get_conversation(conversation_id: ConversationId, session: SessionDep, tracker: TrackerDep) -> ConversationDetail:
    return reading.detail(session, tracker, conversation_or_404(session, conversation_id))


@router.put("/conversations/{conversation_id}/review", response_model=ConversationDetail,
            responses=problems(400, 401, 404, 413, 422), summary="Als nagekeken markeren (of dat weer intrekken)")
def set_review(conversation_id: ConversationId, update: ReviewUpdate, session: SessionDep, tracker: TrackerDep,
               actor: MentorDep) -> ConversationDetail:
    row = conversation_or_404(session, conversation_id)
    review.set_reviewed(session, row, update.reviewed, actor)
    return reading.detail(session, tracker, row)


@router.put("/conversations/{conversation_id}/tags", response_model=ConversationDetail,
            responses=problems(400, 401, 404, 413, 422), summary="De labels van een gesprek vervangen")
def set_tags(conversation_id: ConversationId, update: TagsUpdate, session: SessionDep,
             tracker: TrackerDep) -> ConversationDetail:
    row = conversation_or_404(session, conversation_id)
    review.set_tags(session, row, update.tags)
    return reading.detail(session, tracker, row)


@router.post("/conversations/{conversation_id}/notes", response_model=Note, status_code=201,
             responses=problems(400, 401, 404, 413, 422), summary="Een notitie bij een gesprek")
def add_note(conversation_id: ConversationId, note: NoteCreate, session: SessionDep, actor: MentorDep) -> Note:
    row = conversation_or_404(session, conversation_id)
    return Note.model_validate(review.add_note(session, row, note.body, actor))


@router.post("/conversations/{conversation_id}/flags", response_model=Flag, status_code=201,
             responses=problems(400, 401, 404, 413, 422),
             summary="Een verkeerd begrepen bericht markeren met de intent die het had moeten krijgen")
def flag_message(conversation_id: ConversationId, body: FlagCreate, session: SessionDep, tracker: TrackerDep,
                 actor: MentorDep) -> Flag:
    if body.correct_intent not in known_intents():
        raise ApiError(status_code=422, detail="Deze intent kent de assistent niet (zie domain.yml).")
    row = conversation_or_404(session, conversation_id)
    try:
        return Flag.model_validate(flags.flag(session, tracker, row, body.event_id, body.correct_intent, actor))
    except flags.NotAUserMessage:
        raise ApiError(status_code=422, detail="Dit is geen bericht van de bezoeker in dit gesprek.") from None


@router.get("/flags", response_model=FlagList, responses=problems(401, 422), summary="Alle gemarkeerde berichten")
def list_flags(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FlagList:
    items, total = flags.all_flags(session, limit, offset)
    return FlagList(items=[Flag.model_validate(item) for item in items], total=total)


@router.delete("/flags/{flag_id}", status_code=204, responses=problems(401, 404, 422),
               summary="Een markering weghalen")
def delete_flag(flag_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep) -> Response:
    if not flags.unflag(session, flag_id):
        raise ApiError(status_code=404, detail="Deze markering bestaat niet (meer).")
    return Response(status_code=204)


@router.get("/flags/export", response_class=Response, responses={200: {"content": {"application/yaml": {}}}}
            | problems(401), summary="Alle gemarkeerde berichten als Rasa NLU-trainingsdata (data/nlu YAML)")
def export_flags(session: SessionDep, actor: MentorDep) -> Response:
    return flags_file(session, actor)


def flags_file(session: Session, actor) -> Response:
    items, total = flags.all_flags(session, limit=1_000_000, offset=0)
    audit.record(session, actor, "flags.export", None, {"flags": total})
    session.commit()  # no export leaves the service unrecorded
    now = utcnow()
    return Response(
        flags.nlu_yaml(items, now), media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="nlu-gemarkeerd-{now:%Y%m%d-%H%M}.yml"',
                 "Cache-Control": "no-store"},
    )


@router.get("/dashboard", response_model=Dashboard, responses=problems(401, 422), dependencies=[IndexedDep],
            summary="Gesprekken per dag, behoeften, adviezen, aandeel niet-begrepen berichten, leads per status")
def get_dashboard(session: SessionDep, days: Annotated[int, Query(ge=1, le=366)] = 30) -> Dashboard:
    return dashboard.figures(session, days, utcnow())


@router.get("/conversations/{conversation_id}/export", response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}} | problems(401, 404, 422),
            summary="Eén gesprek exporteren als JSON of CSV (komt in het auditlog)")
def export_conversation(
    conversation_id: ConversationId, session: SessionDep, tracker: TrackerDep, actor: MentorDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    return conversation_file(session, tracker, actor, conversation_or_404(session, conversation_id), format)


def conversation_file(session: Session, tracker, actor, row: Conversation, format: str) -> Response:
    detail = reading.detail(session, tracker, row)
    audit.record(session, actor, "conversation.export", f"conversation:{row.id}", {"format": format})
    session.commit()
    if format == "csv":
        body, media = export.as_csv(detail), "text/csv"
    else:
        body, media = export.as_json(detail), "application/json"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="gesprek-{row.id}.{format}"', "Cache-Control": "no-store",
    })


@router.delete("/conversations/{conversation_id}/person", response_model=PersonErased,
               responses=problems(401, 404, 422) | ADMIN_ONLY,
               summary="Alles over de persoon achter dit gesprek wissen: gesprekken, lead, notities (beheerders)")
def erase_conversation_person(conversation_id: ConversationId, session: SessionDep, tracker: TrackerDep,
                              settings: SettingsDep, actor: AdminDep) -> PersonErased:
    row = conversation_or_404(session, conversation_id)
    return erase_person(session, tracker, row.sender_id, actor, settings.conversation_erase_delay_seconds)
