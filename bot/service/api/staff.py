"""Staff endpoints: review and update leads, see failed notifications, export and erase a person.

Mentors (and admins) read and update leads; only admins export or erase, and each export and
erase is written to the audit log in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator, EmailStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service import leads, persons
from bot.service.api.deps import SessionDep, SettingsDep
from bot.service.api.errors import ApiError
from bot.service.api.responses import problems
from bot.service.auth import audit
from bot.service.auth.deps import AdminDep, require_staff
from bot.service.db.models import Lead, Notification
from bot.service.schemas import (
    ErasureResult,
    LeadPage,
    LeadStaff,
    LeadStatus,
    LeadUpdate,
    MentorResponseUpdate,
    Need,
    NotificationPublic,
    PersonExport,
    PersonLead,
    Problem,
    Recommendation,
)
from bot.service.validation import as_utc, normalise_phone

router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff("mentor"))])
ADMIN_ONLY = {403: {"model": Problem, "description": "Alleen voor beheerders (admin)"}}

LeadId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Lead id")]  # PostgreSQL integer range
QueryTime = Annotated[datetime | None, Query(), AfterValidator(lambda value: value and as_utc(value))]
PersonEmail = Annotated[EmailStr | None, Query(max_length=254)]
PersonPhone = Annotated[
    str | None, Query(max_length=32), AfterValidator(lambda value: value and normalise_phone(value))
]


def _get_lead(session: Session, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise ApiError(status_code=404, detail="Deze lead bestaat niet (meer).")
    return lead


def _person(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    if not email and not phone:
        raise ApiError(status_code=422, detail="Geef een e-mailadres of een telefoonnummer.")
    return email, phone


def _searched_by(email: str | None, phone: str | None) -> list[str]:
    # The audit log says how a person was looked up, never the address or number itself.
    return [kind for kind, value in (("email", email), ("phone", phone)) if value]


def _lead_targets(lead_ids: list[int]) -> str | None:
    target = "leads:" + ",".join(str(lead_id) for lead_id in lead_ids)
    return target if lead_ids and len(target) <= 255 else None  # all ids are in `detail` too


@router.get("/leads", response_model=LeadPage, responses=problems(401, 422), summary="Leads bekijken en filteren")
def list_leads(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    status: LeadStatus | None = None,
    recommendation: Recommendation | None = None,
    need: Need | None = None,
    created_from: QueryTime = None,
    created_to: QueryTime = None,
) -> LeadPage:
    if created_from and created_to and created_from > created_to:
        raise ApiError(status_code=422, detail="created_from ligt na created_to.")
    conditions = []
    if status:
        conditions.append(Lead.status == status)
    if recommendation:
        conditions.append(Lead.recommendation == recommendation)
    if need:  # need_become_mentor: the mentor candidates
        conditions.append(Lead.need == need)
    if created_from:
        conditions.append(Lead.created_at >= created_from)
    if created_to:
        conditions.append(Lead.created_at <= created_to)
    total = session.scalar(select(func.count()).select_from(Lead).where(*conditions)) or 0
    newest_first = select(Lead).where(*conditions).order_by(Lead.created_at.desc(), Lead.id.desc())
    items = session.scalars(newest_first.limit(limit).offset(offset))
    return LeadPage(items=[LeadStaff.model_validate(lead) for lead in items], total=total, limit=limit, offset=offset)


@router.get("/leads/{lead_id}", response_model=LeadStaff, responses=problems(401, 404, 422), summary="Eén lead")
def get_lead(lead_id: LeadId, session: SessionDep) -> Lead:
    return _get_lead(session, lead_id)


@router.patch(
    "/leads/{lead_id}",
    response_model=LeadStaff,
    responses=problems(400, 401, 404, 409, 413, 422),
    summary="Status wijzigen: new -> contacted -> matched | closed",
)
def update_lead(lead_id: LeadId, update: LeadUpdate, session: SessionDep) -> Lead:
    lead = _get_lead(session, lead_id)
    try:
        return leads.change_status(session, lead, update.status)
    except leads.InvalidTransition as exc:
        raise ApiError(status_code=409, detail=f"Deze statuswijziging kan niet: {exc}.") from None


@router.delete(
    "/leads/{lead_id}",
    response_model=ErasureResult,
    responses=problems(401, 404, 422) | ADMIN_ONLY,
    summary="Eén lead wissen, met de meldingen erbij (beheerders)",
)
def erase_lead(lead_id: LeadId, session: SessionDep, actor: AdminDep) -> ErasureResult:
    _get_lead(session, lead_id)
    audit.record(session, actor, "lead.erase", f"lead:{lead_id}", {"lead_ids": [lead_id]})
    erased = persons.erase_leads(session, [lead_id])  # commits the audit entry with the erasure
    return ErasureResult(leads=erased.leads, notifications=erased.notifications)


@router.post(
    "/leads/{lead_id}/mentor-response",
    response_model=LeadStaff,
    responses=problems(400, 401, 404, 409, 413, 422),
    summary="Antwoord van de mentor: aangenomen of afgewezen (afgewezen gaat naar de volgende mentor)",
)
def mentor_response(lead_id: LeadId, answer: MentorResponseUpdate, session: SessionDep, settings: SettingsDep) -> Lead:
    lead = _get_lead(session, lead_id)
    try:
        return leads.record_mentor_response(session, lead, answer.response, settings)
    except leads.InvalidTransition as exc:
        raise ApiError(status_code=409, detail=f"Dit antwoord kan niet meer: {exc}.") from None


@router.get(
    "/notifications",
    response_model=list[NotificationPublic],
    responses=problems(401, 422),
    summary="Meldingen aan mentoren; failed=true toont wat (nog) niet aankwam",
)
def list_notifications(
    session: SessionDep,
    failed: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[Notification]:
    query = select(Notification)
    if failed:
        query = query.where(Notification.delivered_at.is_(None), Notification.last_error.is_not(None))
    query = query.order_by(Notification.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


@router.get(
    "/persons/export",
    response_model=PersonExport,
    responses=problems(401, 422) | ADMIN_ONLY,
    summary="Alle gegevens van één persoon (inzageverzoek; beheerders)",
)
def export_person(
    session: SessionDep, actor: AdminDep, email: PersonEmail = None, phone: PersonPhone = None
) -> PersonExport:
    email, phone = _person(email, phone)
    found = persons.find_leads(session, email, phone)
    export = PersonExport(leads=[PersonLead.model_validate(lead) for lead in found])
    lead_ids = [lead.id for lead in found]
    detail = {"lead_ids": lead_ids, "searched_by": _searched_by(email, phone)}
    audit.record(session, actor, "person.export", _lead_targets(lead_ids), detail)
    session.commit()  # no export leaves the service unrecorded
    return export


@router.delete(
    "/persons",
    response_model=ErasureResult,
    responses=problems(401, 422) | ADMIN_ONLY,
    summary="Alle gegevens van één persoon wissen (verwijderverzoek; beheerders)",
)
def erase_person(
    session: SessionDep, actor: AdminDep, email: PersonEmail = None, phone: PersonPhone = None
) -> ErasureResult:
    email, phone = _person(email, phone)
    lead_ids = [lead.id for lead in persons.find_leads(session, email, phone)]
    detail = {"lead_ids": lead_ids, "searched_by": _searched_by(email, phone)}
    audit.record(session, actor, "person.erase", _lead_targets(lead_ids), detail)
    erased = persons.erase_leads(session, lead_ids)  # commits the audit entry with the erasure
    return ErasureResult(leads=erased.leads, notifications=erased.notifications)
