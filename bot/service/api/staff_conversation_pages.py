"""The staff pages for conversations: the list with filters, one transcript (review, tags, notes,
flag a misunderstood message), the flagged messages with their NLU export, a conversation's export
and erasing everything about a person (admins).

Server-rendered, no JavaScript: GET forms filter, POST forms carry the CSRF token, change one thing
and redirect back (303) with a fixed confirmation. Wrong input shows the page again with a Dutch
error (422). The work is done by bot/service/conversations/, exactly as for the JSON API
(api/conversations.py), whose helpers for indexing and downloads are reused here.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.service.api import staff_conversation_forms as forms
from bot.service.api.conversations import conversation_file, flags_file, refresh_index
from bot.service.api.deps import SessionDep, SettingsDep, TrackerDep
from bot.service.api.staff_pages import STALE_FORM, redirect, render
from bot.service.auth import csrf
from bot.service.auth.deps import PageStaffDep
from bot.service.auth.principal import Principal
from bot.service.conversations import flags, listing, reading, review
from bot.service.conversations.erase import erase_person
from bot.service.conversations.intents import known_intents
from bot.service.db.conversation_models import Conversation, MessageFlag
from bot.service.web.labels import LEAD_STATUS_NAMES, NEED_NAMES, local_time

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

LIST = "/staff/gesprekken"
FLAGS = "/staff/markeringen"
FLAGS_PAGE_SIZE = 100
FormText = Annotated[str, Form()]

# Shared by every template here: labels and formatting, so templates stay free of logic.
WORDS = dict(
    when=local_time, percent=forms.percent, channel_names=forms.CHANNEL_NAMES, need_names=NEED_NAMES,
    advice_names=forms.ADVICE_NAMES, lead_status_names=LEAD_STATUS_NAMES,
)


def page(request: Request, template: str, staff: Principal, status_code: int = 200, **context) -> HTMLResponse:
    return render(request, template, status_code, staff=staff, wide=True, **WORDS, **context)


def message(request: Request, staff: Principal, status_code: int, heading: str, text: str) -> HTMLResponse:
    return render(request, "staff_message.html", status_code, staff=staff, heading=heading, message=text)


def not_found(request: Request, staff: Principal) -> HTMLResponse:
    return message(request, staff, 404, "Gesprek niet gevonden", "Dit gesprek bestaat niet (meer).")


def stale(request: Request, staff: Principal) -> HTMLResponse:
    return message(request, staff, 403, "Niet gelukt", STALE_FORM)


def find(session: Session, conversation_id: str) -> Conversation | None:
    number = forms.parse_id(conversation_id)
    return reading.get(session, number) if number else None


# --- the list ----------------------------------------------------------------------------------


@router.get(LIST, response_class=HTMLResponse)
def conversation_list(request: Request, session: SessionDep, staff: PageStaffDep):
    query = forms.parse_list_query(request.query_params)
    context = dict(section="conversations", query=query, notice=forms.done_message(request.query_params))
    if query.errors:  # no results for a filter we could not read: they would look like an answer
        return page(request, "staff_conversations.html", staff, 422, found=None, rows=[], **context)
    refresh_index(request)  # after the login check: no indexing work for anonymous requests
    found = listing.page(session, query.wanted, forms.PAGE_SIZE, (query.page - 1) * forms.PAGE_SIZE)
    rows = [reading.summary(row, found.leads.get(row.sender_id)) for row in found.items]
    return page(request, "staff_conversations.html", staff, found=found, rows=rows,
                last_page=max(1, -(-found.total // forms.PAGE_SIZE)), **context)


# --- one conversation --------------------------------------------------------------------------


def detail_page(request: Request, session: Session, tracker, staff: Principal, row: Conversation,
                status_code: int = 200, error: str | None = None, **typed) -> HTMLResponse:
    """The transcript page; `typed` puts a rejected form's text back in its field."""
    try:
        detail = reading.detail(session, tracker, row)
    except SQLAlchemyError as exc:  # Rasa's tracker store unreachable: say so instead of a JSON 503
        log.warning("conversation %s not readable: %s", row.id, type(exc).__name__)
        return message(request, staff, 503, "Gesprek niet te lezen",
                       "Het gesprek kan nu niet gelezen worden. Probeer het over een minuut opnieuw.")
    others = session.execute(
        select(Conversation.id, Conversation.started_at).where(Conversation.id.in_(detail.other_conversations))
        .order_by(Conversation.started_at.desc())
    ).all() if detail.other_conversations else []
    return page(
        request, "staff_conversation.html", staff, status_code, section="conversations", c=detail, others=others,
        intents=known_intents(), notice=forms.done_message(request.query_params), error=error,
        may_erase=staff.may("admin"), tags_text=typed.get("tags_text", ", ".join(detail.tags)),
        note_text=typed.get("note_text", ""),
    )


@router.get(LIST + "/{conversation_id}", response_class=HTMLResponse)
def conversation_page(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
                      staff: PageStaffDep):
    refresh_index(request)
    row = find(session, conversation_id)
    return detail_page(request, session, tracker, staff, row) if row else not_found(request, staff)


@router.get(LIST + "/{conversation_id}/export.{extension}")
def conversation_export(conversation_id: str, extension: str, request: Request, session: SessionDep,
                        tracker: TrackerDep, staff: PageStaffDep) -> Response:
    row = find(session, conversation_id)
    if row is None or extension not in ("json", "csv"):
        return not_found(request, staff)
    return conversation_file(session, tracker, staff, row, extension)


@router.post(LIST + "/{conversation_id}/nagekeken")
def set_reviewed(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
                 staff: PageStaffDep, nagekeken: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    if (row := find(session, conversation_id)) is None:
        return not_found(request, staff)
    if nagekeken not in forms.YES_NO:
        return detail_page(request, session, tracker, staff, row, 422, "Kies nagekeken of niet nagekeken.")
    review.set_reviewed(session, row, forms.YES_NO[nagekeken], staff)
    return redirect(f"{LIST}/{row.id}?gedaan={'nagekeken' if forms.YES_NO[nagekeken] else 'niet-nagekeken'}")


@router.post(LIST + "/{conversation_id}/labels")
def set_tags(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
             staff: PageStaffDep, labels: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    if (row := find(session, conversation_id)) is None:
        return not_found(request, staff)
    tags = forms.parse_tags(labels)
    if tags is None:
        return detail_page(request, session, tracker, staff, row, 422, forms.TAG_ERROR, tags_text=labels[:2000])
    review.set_tags(session, row, tags)
    return redirect(f"{LIST}/{row.id}?gedaan=labels#labels")


@router.post(LIST + "/{conversation_id}/notities")
def add_note(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
             staff: PageStaffDep, notitie: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    if (row := find(session, conversation_id)) is None:
        return not_found(request, staff)
    try:
        body = forms.parse_note(notitie)
    except ValueError as invalid:
        return detail_page(request, session, tracker, staff, row, 422, str(invalid), note_text=notitie[:5000])
    review.add_note(session, row, body, staff)
    return redirect(f"{LIST}/{row.id}?gedaan=notitie#notities")


@router.post(LIST + "/{conversation_id}/markeren")
def flag_message(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
                 staff: PageStaffDep, bericht: FormText = "", intent: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    if (row := find(session, conversation_id)) is None:
        return not_found(request, staff)
    if intent not in known_intents():
        return detail_page(request, session, tracker, staff, row, 422, "Kies de intent die het bericht had moeten "
                           "krijgen uit de lijst.")
    event_id = forms.parse_id(bericht)
    try:
        if event_id is None:
            raise flags.NotAUserMessage("no event id")
        flags.flag(session, tracker, row, event_id, intent, staff)
    except flags.NotAUserMessage:
        return detail_page(request, session, tracker, staff, row, 422, "Dit bericht kun je niet markeren: alleen "
                           "wat de bezoeker zelf typte in dit gesprek.")
    return redirect(f"{LIST}/{row.id}?gedaan=gemarkeerd#bericht-{event_id}")


@router.post(LIST + "/{conversation_id}/wissen")
def erase(conversation_id: str, request: Request, session: SessionDep, tracker: TrackerDep,
          settings: SettingsDep, staff: PageStaffDep, bevestigd: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    if not staff.may("admin"):
        return message(request, staff, 403, "Geen toegang", "Alleen een beheerder mag alles over een persoon wissen.")
    if (row := find(session, conversation_id)) is None:
        return not_found(request, staff)
    if bevestigd != "ja":
        return detail_page(request, session, tracker, staff, row, 422,
                           "Vink eerst aan dat je alles over deze persoon wilt wissen.")
    erased = erase_person(session, tracker, row.sender_id, staff, settings.conversation_erase_delay_seconds)
    return redirect(f"{LIST}?gewist={erased.conversations}-{erased.leads}")


# --- flagged messages --------------------------------------------------------------------------


@router.get(FLAGS, response_class=HTMLResponse)
def flag_list(request: Request, session: SessionDep, staff: PageStaffDep):
    wanted = forms.parse_page(request.query_params.get("pagina", ""))
    items, total = flags.all_flags(session, FLAGS_PAGE_SIZE, (wanted - 1) * FLAGS_PAGE_SIZE)
    return page(request, "staff_flags.html", staff, section="flags", items=items, total=total, page_number=wanted,
                last_page=max(1, -(-total // FLAGS_PAGE_SIZE)), notice=forms.done_message(request.query_params))


@router.get(FLAGS + "/export.yml")
def flags_export(session: SessionDep, staff: PageStaffDep) -> Response:
    return flags_file(session, staff)


@router.post(FLAGS + "/{flag_id}/weghalen")
def unflag(flag_id: str, request: Request, session: SessionDep, staff: PageStaffDep,
           terug: FormText = "", csrf_token: FormText = ""):
    if not csrf.is_valid(request, csrf_token):
        return stale(request, staff)
    number = forms.parse_id(flag_id)
    found = session.get(MessageFlag, number) if number else None
    if found is None:  # removed already (by someone else, or a second click): nothing left to do
        return redirect(f"{FLAGS}?gedaan=weggehaald")
    conversation_id, event_id = found.conversation_id, found.event_id
    flags.unflag(session, found.id)
    if terug == "gesprek":  # a fixed choice, never a URL from the form
        return redirect(f"{LIST}/{conversation_id}?gedaan=weggehaald#bericht-{event_id}")
    return redirect(f"{FLAGS}?gedaan=weggehaald")
