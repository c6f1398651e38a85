"""The lead inbox in the browser: GET /staff/leads (status tabs, newest first, pages), one lead at
/staff/leads/{id}, and its forms to change the status and record the mentor's answer.

Server-rendered, no JavaScript; the JSON API (staff.py) does the same through bot/service/leads.py.
Query and form values arrive as plain strings and are checked here: a garbage value gets the
default or a Dutch page, never FastAPI's JSON error. Forms post, check the CSRF token, and
redirect to the lead with a fixed confirmation (nothing typed is ever echoed back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.lead.contact import readable_phone
from bot.lead.texts import readable_answers
from bot.needs import MENTOR_CANDIDATE
from bot.service import leads
from bot.service.api.conversations import refresh_index
from bot.service.api.deps import SessionDep
from bot.service.api.staff_pages import STALE_FORM, redirect, render
from bot.service.auth import csrf
from bot.service.auth.deps import PageStaffDep
from bot.service.auth.principal import Principal
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import LEAD_STATUSES, Lead
from bot.service.notify.summary import NEEDS, QUESTIONS, VARIANTS, contact_ways
from bot.service.web.labels import LEAD_STATUS_NAMES, RECOMMENDATION_NAMES, local_time

router = APIRouter(include_in_schema=False)

INBOX = "/staff/leads"
PAGE_SIZE = 20
MAX_ID = 2**31 - 1  # PostgreSQL integer
# The tabs: Dutch words in the address, the stored status behind them (None: every status).
FILTERS: dict[str, str | None] = {
    "nieuw": "new", "gecontacteerd": "contacted", "gematcht": "matched", "gesloten": "closed", "alle": None,
}
DEFAULT_FILTER = "nieuw"  # the inbox: who still waits for a first contact
# Who the lead is: someone looking for a mentor, or a mentor candidate offering to mentor.
KINDS = {"alle": None, "mentees": "mentee", "kandidaat-mentoren": "candidate"}
DEFAULT_KIND = "alle"
# What the status buttons say, per target status.
STATUS_ACTIONS = {"contacted": "Markeer als gecontacteerd", "matched": "Markeer als gematcht",
                  "closed": "Sluit af zonder match"}
MENTOR_ANSWERS = {"pending": "nog geen antwoord", "accepted": "aangenomen", "declined": "afgewezen"}
# Confirmations after a redirect: the address names one of these, the text is ours.
DONE = {
    "status": "De status is aangepast.",
    "aangenomen": "Opgeslagen: de mentor neemt deze lead aan.",
    "afgewezen": "Opgeslagen: de mentor heeft deze lead afgewezen.",
    "doorgestuurd": "Afgewezen: de lead is doorgestuurd naar de volgende mentor, die er een e-mail over krijgt.",
}


@dataclass(frozen=True)
class Tab:
    key: str
    name: str
    count: int


def _int(value: str | None, default: int, low: int, high: int) -> int:
    """A number from the address, or `default` for anything else (letters, huge, negative)."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 10:
        return default
    return min(max(int(value), low), high)


def _lead_or_none(session: Session, lead_id: str) -> Lead | None:
    number = _int(lead_id, 0, 0, MAX_ID + 1)
    return session.get(Lead, number) if 1 <= number <= MAX_ID else None


def _not_found(request: Request, staff: Principal) -> HTMLResponse:
    return render(request, "staff_message.html", 404, staff=staff, section="leads", heading="Lead niet gevonden",
                  message="Deze lead bestaat niet (meer). Misschien is hij gewist.")


def advice(lead: Lead) -> str:
    if not lead.recommendation:
        return "nog geen advies (vroeg zelf om een mens)"
    label = RECOMMENDATION_NAMES.get(lead.recommendation, lead.recommendation)
    if lead.guidance_variant:
        label += f" ({VARIANTS.get(lead.guidance_variant, lead.guidance_variant)})"
    return label


def need(lead: Lead) -> str:
    # The mentor's e-mail words, so the page reads as the message the mentor got.
    return NEEDS.get(lead.need or "", lead.need or "niet bekend")


def contact_consent(lead: Lead) -> str:
    # The mentor's e-mail words: only these ways may be used to reach the visitor.
    ways = contact_ways(lead)
    if ways is None:
        return "gegeven (niet per kanaal vastgelegd)"
    return " en ".join(ways) if ways else "geen"


NAMES = {"status": LEAD_STATUS_NAMES, "advice": advice, "need": need, "local_time": local_time,
         "mentor_answer": MENTOR_ANSWERS, "contact_consent": contact_consent}


def _kind_condition(kind: str) -> list[Any]:
    if KINDS[kind] == "candidate":
        return [Lead.need == MENTOR_CANDIDATE]
    if KINDS[kind] == "mentee":
        return [or_(Lead.need.is_(None), Lead.need != MENTOR_CANDIDATE)]
    return []


@router.get(INBOX, response_class=HTMLResponse)
def lead_inbox(request: Request, session: SessionDep, staff: PageStaffDep, status: str | None = None,
               soort: str | None = None, pagina: str | None = None):
    chosen = status if status in FILTERS else DEFAULT_FILTER
    kind = soort if soort in KINDS else DEFAULT_KIND
    of_kind = _kind_condition(kind)
    by_status = select(Lead.status, func.count()).where(*of_kind).group_by(Lead.status)
    counts = dict(session.execute(by_status).all())
    tabs = [Tab(key, key, counts.get(stored, 0) if stored else sum(counts.values())) for key, stored in FILTERS.items()]
    wanted = [*of_kind, Lead.status == FILTERS[chosen]] if FILTERS[chosen] else of_kind
    total = next(tab.count for tab in tabs if tab.key == chosen)
    pages = max(1, -(-total // PAGE_SIZE))
    page = _int(pagina, 1, 1, pages)
    newest_first = select(Lead).where(*wanted).order_by(Lead.created_at.desc(), Lead.id.desc())
    items = session.scalars(newest_first.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render(request, "staff_leads.html", staff=staff, section="leads", tabs=tabs, chosen=chosen, items=items,
                  kinds=list(KINDS), kind=kind, default_kind=DEFAULT_KIND, total=total, page=page, pages=pages,
                  names=NAMES, wide=True)


def lead_page(request: Request, session: Session, staff: Principal, lead: Lead, status_code: int = 200,
              error: str | None = None, notice: str | None = None) -> HTMLResponse:
    conversation = session.scalar(
        select(Conversation.id).where(Conversation.sender_id == lead.conversation_id)
        .order_by(Conversation.started_at.desc(), Conversation.id.desc()).limit(1)
    )
    return render(
        request, "staff_lead.html", status_code, staff=staff, section="leads", lead=lead, names=NAMES, wide=True,
        conversation=conversation, error=error, notice=notice,
        phone=readable_phone(lead.phone) if lead.phone else None,
        answers=[(QUESTIONS.get(key, key), value) for key, value in readable_answers(lead.answers or {}).items()],
        next_statuses=[(target, STATUS_ACTIONS[target]) for target in LEAD_STATUSES
                       if target in leads.ALLOWED_TRANSITIONS.get(lead.status, set())],
        mentor_answer=MENTOR_ANSWERS.get(lead.mentor_response, lead.mentor_response),
    )


@router.get(INBOX + "/{lead_id}", response_class=HTMLResponse)
def lead_detail(request: Request, session: SessionDep, staff: PageStaffDep, lead_id: str, gedaan: str | None = None):
    refresh_index(request)  # so a lead that just came in links to its conversation
    lead = _lead_or_none(session, lead_id)
    if lead is None:
        return _not_found(request, staff)
    return lead_page(request, session, staff, lead, notice=DONE.get(gedaan or ""))


@router.post(INBOX + "/{lead_id}/status", response_class=HTMLResponse)
def lead_status(request: Request, session: SessionDep, staff: PageStaffDep, lead_id: str,
                status: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    lead = _lead_or_none(session, lead_id)
    if lead is None:
        return _not_found(request, staff)
    if not csrf.is_valid(request, csrf_token):
        return lead_page(request, session, staff, lead, 403, error=STALE_FORM)
    if status not in LEAD_STATUSES:
        return lead_page(request, session, staff, lead, 422, error="Kies een van de knoppen hieronder.")
    try:
        leads.change_status(session, lead, status)
    except leads.InvalidTransition:
        error = (f"Deze lead staat op ‘{LEAD_STATUS_NAMES[lead.status]}’ en kan niet naar "
                 f"‘{LEAD_STATUS_NAMES[status]}’. Misschien heeft een collega hem net aangepast; "
                 "kies hieronder opnieuw.")
        return lead_page(request, session, staff, lead, 409, error=error)
    return redirect(f"{INBOX}/{lead.id}?gedaan=status")


@router.post(INBOX + "/{lead_id}/mentor", response_class=HTMLResponse)
def lead_mentor_answer(request: Request, session: SessionDep, staff: PageStaffDep, lead_id: str,
                       antwoord: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    lead = _lead_or_none(session, lead_id)
    if lead is None:
        return _not_found(request, staff)
    if not csrf.is_valid(request, csrf_token):
        return lead_page(request, session, staff, lead, 403, error=STALE_FORM)
    if antwoord not in ("accepted", "declined"):
        return lead_page(request, session, staff, lead, 422, error="Kies aangenomen of afgewezen.")
    mentor = lead.assigned_mentor
    try:
        leads.record_mentor_response(session, lead, antwoord, request.app.state.settings)
    except leads.InvalidTransition:
        error = (f"Het antwoord van de mentor staat al op ‘{MENTOR_ANSWERS[lead.mentor_response]}’. "
                 "Misschien heeft een collega het net ingevuld.")
        return lead_page(request, session, staff, lead, 409, error=error)
    done = "aangenomen" if antwoord == "accepted" else "afgewezen"
    if antwoord == "declined" and lead.assigned_mentor != mentor:
        done = "doorgestuurd"
    return redirect(f"{INBOX}/{lead.id}?gedaan={done}")
