"""Write the audit log: every erase, export and account change, with ids only."""

from __future__ import annotations

from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from bot.service.auth.principal import Principal
from bot.service.db.models import AuditEntry

AuditAction = Literal[
    "lead.erase",
    "person.export",
    "person.erase",
    "account.create",
    "account.deactivate",
    "account.password_reset",
    "conversation.erase",
    "retention.purge",
    "conversation.export",
    "flags.export",
]
ACTIONS: tuple[str, ...] = get_args(AuditAction)


def record(
    session: Session,
    actor: Principal,
    action: AuditAction,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Added to the caller's transaction: the entry is committed with the change it records, or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(actor_id=actor.account_id, actor=actor.label, action=action, target=target, detail=detail or {})
    session.add(entry)
    return entry
