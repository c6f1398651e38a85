"""Staff endpoints: review and update leads, see failed notifications, export and erase a person."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator, EmailStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service import leads, persons
from bot.service.api.deps import SessionDep, SettingsDep, require_staff_token
from bot.service.api.errors import ApiError
from bot.service.api.responses import problems
from bot.service.db.models import Lead, Notification
from bot.service.schemas import (
    ErasureResult,
    LeadPage,
    LeadStaff,
    LeadStatus,
    LeadUpdate,
    MentorResponseUpdate,
    NotificationPublic,
    PersonExport,
    PersonLead,
    Recommendation,
)
from bot.service.validation import as_utc, normalise_phone

router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff_token)])

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


@router.get("/leads", response_model=LeadPage, responses=problems(401, 422), summary="Leads bekijken en filteren")
def list_leads(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    status: LeadStatus | None = None,
    recommendation: Recommendation | None = None,
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
    responses=problems(401, 422),
    summary="Alle gegevens van één persoon (inzageverzoek)",
)
def export_person(session: SessionDep, email: PersonEmail = None, phone: PersonPhone = None) -> PersonExport:
    email, phone = _person(email, phone)
    found = persons.find_leads(session, email, phone)
    return PersonExport(leads=[PersonLead.model_validate(lead) for lead in found])


@router.delete(
    "/persons",
    response_model=ErasureResult,
    responses=problems(401, 422),
    summary="Alle gegevens van één persoon wissen (verwijderverzoek)",
)
def erase_person(session: SessionDep, email: PersonEmail = None, phone: PersonPhone = None) -> ErasureResult:
    email, phone = _person(email, phone)
    erased = persons.erase_person(session, email, phone)
    return ErasureResult(leads=erased.leads, notifications=erased.notifications)
