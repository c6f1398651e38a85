"""Staff authentication and administration over JSON: tokens, who am I, accounts, audit log.

POST /api/auth/token is OAuth2's password flow (form fields username = e-mail address, password);
the token it returns goes in `Authorization: Bearer ...` on every /api/staff call.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service.api.deps import SessionDep, SettingsDep
from bot.service.api.errors import RETRY_AFTER_SECONDS, ApiError
from bot.service.api.responses import problems
from bot.service.auth import accounts, audit, login, tokens
from bot.service.auth.audit import AuditAction
from bot.service.auth.deps import AdminDep, MentorDep, require_staff
from bot.service.auth.passwords import WeakPassword
from bot.service.auth.schemas import (
    AccessToken,
    AuditEntryPublic,
    AuditPage,
    Me,
    PasswordReset,
    Role,
    StaffAccountCreate,
    StaffAccountPage,
    StaffAccountPublic,
)
from bot.service.auth.throttle import ThrottleUnavailable
from bot.service.db.models import AuditEntry, StaffAccount
from bot.service.schemas import Problem

auth_router = APIRouter(prefix="/api/auth", tags=["auth"])
admin_router = APIRouter(prefix="/api/staff", tags=["staff accounts"], dependencies=[Depends(require_staff("admin"))])

log = logging.getLogger(__name__)
WRONG_LOGIN = "E-mailadres of wachtwoord klopt niet."
LOGIN_UNAVAILABLE = "Inloggen kan even niet. Probeer het over een minuut opnieuw."
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Account id")]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
TOO_MANY = {429: {"model": Problem, "description": "Te veel verkeerde wachtwoorden: wacht Retry-After seconden"}}
FORBIDDEN = {403: {"model": Problem, "description": "Alleen voor beheerders (admin)"}}


def too_many_attempts(retry_after: int) -> ApiError:
    minutes = max(1, round(retry_after / 60))
    return ApiError(
        status_code=429,
        detail=f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.",
        headers={"Retry-After": str(retry_after)},
    )


@auth_router.post(
    "/token",
    response_model=AccessToken,
    responses=problems(400, 401, 413, 422, 503) | TOO_MANY,
    summary="Inloggen: e-mailadres en wachtwoord geven een toegangstoken (OAuth2 password flow)",
)
def issue_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=1000, description="E-mailadres van het staffaccount")],
    password: Annotated[str, Form(max_length=1000)],
    grant_type: Annotated[Literal["password"] | None, Form()] = None,
) -> AccessToken:
    client = login.client_address(request.client and request.client.host)
    try:
        account = login.attempt(session, request.app.state.login_throttle, username, password, client)
    except login.Throttled as throttled:
        raise too_many_attempts(throttled.retry_after) from None
    except ThrottleUnavailable:
        log.error("login throttle storage unreachable (RATE_LIMIT_STORAGE_URL)")
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        raise ApiError(status_code=503, detail=LOGIN_UNAVAILABLE, headers=headers) from None
    if account is None:
        raise ApiError(status_code=401, detail=WRONG_LOGIN, headers={"WWW-Authenticate": "Bearer"})
    issued = tokens.issue(account, settings)
    return AccessToken(access_token=issued.token, expires_in=issued.expires_in)


@auth_router.get("/me", response_model=Me, responses=problems(401), summary="Wie ben ik (met dit token)?")
def me(principal: MentorDep) -> Me:
    email = principal.label if principal.account_id is not None else None
    return Me(id=principal.account_id, email=email, display_name=principal.display_name, role=principal.role)


def _get_account(session: Session, account_id: int) -> StaffAccount:
    account = session.get(StaffAccount, account_id)
    if account is None:
        raise ApiError(status_code=404, detail="Dit account bestaat niet.")
    return account


@admin_router.get(
    "/accounts",
    response_model=StaffAccountPage,
    responses=problems(401, 422) | FORBIDDEN,
    summary="Staffaccounts bekijken (beheerders)",
)
def list_accounts(
    session: SessionDep, limit: Limit = 50, offset: Offset = 0, role: Role | None = None, active: bool | None = None
) -> StaffAccountPage:
    conditions = []
    if role is not None:
        conditions.append(StaffAccount.role == role)
    if active is not None:
        conditions.append(StaffAccount.active.is_(active))
    total = session.scalar(select(func.count()).select_from(StaffAccount).where(*conditions)) or 0
    found = session.scalars(
        select(StaffAccount).where(*conditions).order_by(StaffAccount.email).limit(limit).offset(offset)
    )
    return StaffAccountPage(
        items=[StaffAccountPublic.model_validate(account) for account in found], total=total, limit=limit, offset=offset
    )


@admin_router.post(
    "/accounts",
    response_model=StaffAccountPublic,
    status_code=201,
    responses=problems(400, 401, 409, 413, 422) | FORBIDDEN,
    summary="Een staffaccount aanmaken (beheerders)",
)
def create_account(data: StaffAccountCreate, session: SessionDep, actor: AdminDep) -> StaffAccount:
    try:
        account = accounts.create(session, data.email, data.display_name, data.role, data.password)
    except WeakPassword as weak:
        raise ApiError(status_code=422, detail=str(weak)) from None
    except accounts.AccountExists:
        raise ApiError(status_code=409, detail="Er is al een account met dit e-mailadres.") from None
    audit.record(session, actor, "account.create", f"account:{account.id}", {"role": account.role})
    session.commit()
    return account


@admin_router.post(
    "/accounts/{account_id}/deactivate",
    response_model=StaffAccountPublic,
    responses=problems(401, 404, 409, 422) | FORBIDDEN,
    summary="Een staffaccount deactiveren: het is meteen overal uitgelogd (beheerders)",
)
def deactivate_account(account_id: AccountId, session: SessionDep, actor: AdminDep) -> StaffAccount:
    account = _get_account(session, account_id)
    if account.id == actor.account_id:
        raise ApiError(status_code=409, detail="Je kunt je eigen account niet deactiveren.")
    if account.active:
        accounts.deactivate(session, account)
        audit.record(session, actor, "account.deactivate", f"account:{account.id}")
        session.commit()
    return account


@admin_router.put(
    "/accounts/{account_id}/password",
    response_model=StaffAccountPublic,
    responses=problems(400, 401, 404, 413, 422) | FORBIDDEN,
    summary="Een nieuw wachtwoord instellen; oude tokens en sessies vervallen (beheerders)",
)
def reset_password(account_id: AccountId, data: PasswordReset, session: SessionDep, actor: AdminDep) -> StaffAccount:
    account = _get_account(session, account_id)
    try:
        accounts.set_password(session, account, data.password)
    except WeakPassword as weak:
        raise ApiError(status_code=422, detail=str(weak)) from None
    audit.record(session, actor, "account.password_reset", f"account:{account.id}")
    session.commit()
    return account


@admin_router.get(
    "/audit",
    response_model=AuditPage,
    responses=problems(401, 422) | FORBIDDEN,
    summary="Het auditlog: wie wiste of exporteerde wat, nieuwste eerst (beheerders)",
)
def audit_log(
    session: SessionDep,
    limit: Limit = 50,
    offset: Offset = 0,
    action: AuditAction | None = None,
    actor_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> AuditPage:
    conditions = []
    if action is not None:
        conditions.append(AuditEntry.action == action)
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == actor_id)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    found = session.scalars(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        .offset(offset)
    )
    return AuditPage(
        items=[AuditEntryPublic.model_validate(entry) for entry in found], total=total, limit=limit, offset=offset
    )
