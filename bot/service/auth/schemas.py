"""What the auth, account and audit endpoints accept and return. Password hashes never leave the service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from bot.service.schemas import Email
from bot.service.validation import clean_text, text

Role = Literal["mentor", "admin"]
# Not stripped: spaces belong to a passphrase. The strength rules are checked by the route (Dutch messages).
Password = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(clean_text)]
DisplayName = text(100, min_length=1)


class AccessToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int  # seconds


class Me(BaseModel):
    """The caller: a staff account, or (id and email null) the STAFF_TOKEN automation credential."""

    id: int | None
    email: str | None
    display_name: str
    role: Role


class StaffAccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class StaffAccountPage(BaseModel):
    items: list[StaffAccountPublic]
    total: int
    limit: int
    offset: int


class StaffAccountCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"email": "sanne@voorbeeld.nl", "display_name": "Sanne", "role": "mentor",
                 "password": "fiets paraplu hagelslag 42"}
            ]
        },
    )

    email: Email
    display_name: DisplayName
    role: Role
    password: Password


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int
    limit: int
    offset: int
