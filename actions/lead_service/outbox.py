"""A durable outbox on the action server's side.

When the lead service cannot be reached, the hand-off (or a "vergeet mij" erase
request) is written here and delivered later by `actions.lead_service.worker`.
Delivery is at-least-once; the service stores one lead per hand-off, so the
lead arrives exactly once. Rows are deleted once delivered: personal data does
not linger here. An erase request carries the moment the visitor asked, so
whenever it arrives it takes only what was given before (not a later hand-off).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url

from actions.lead_service.client import LeadErased, LeadRejected, LeadServiceClient, ServiceUnavailable

log = logging.getLogger(__name__)

# A worker that crashed mid-delivery releases its claim after this long.
CLAIM_SECONDS = 60

metadata = MetaData()
outbox = Table(
    "lead_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # "lead" or "erase"
    Column("status", String(8), nullable=False, default="pending"),  # "pending" or "rejected"
    Column("payload", Text),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(200)),
    Column("created_at", Float, nullable=False),
    Column("next_attempt_at", Float, nullable=False, index=True),
    Column("claimed_until", Float),
)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    rejected: int = 0


class LeadOutbox:
    def __init__(self, url: str, retry_seconds: float = 15, max_backoff_seconds: float = 600) -> None:
        self.engine = _engine(url)
        self.retry_seconds = retry_seconds
        self.max_backoff_seconds = max_backoff_seconds
        metadata.create_all(self.engine)

    def add_lead(self, conversation_id: str, payload: dict[str, Any]) -> None:
        with self.engine.begin() as db:
            self._add(db, conversation_id, "lead", json.dumps(payload))

    def add_erase(self, conversation_id: str, asked_at: datetime | None = None) -> int:
        """Queue an erase; a hand-off not yet delivered is dropped instead of sent. Returns how many were dropped."""
        asked_at = asked_at or datetime.now(UTC)
        # One transaction: a worker never sees the erase without the drop, nor the drop without the erase.
        with self.engine.begin() as db:
            dropped = db.execute(delete(outbox).where(_leads_of(conversation_id))).rowcount
            self._add(db, conversation_id, "erase", json.dumps({"asked_at": asked_at.isoformat()}))
        self._scrub()
        return dropped

    def drop_lead(self, conversation_id: str) -> int:
        with self.engine.begin() as db:
            dropped = db.execute(delete(outbox).where(_leads_of(conversation_id))).rowcount
        self._scrub()
        return dropped

    def has_lead(self, conversation_id: str) -> bool:
        with self.engine.connect() as db:
            return bool(db.execute(select(func.count()).where(_leads_of(conversation_id))).scalar_one())

    def counts(self) -> dict[str, int]:
        query = select(outbox.c.kind, outbox.c.status, func.count()).group_by(outbox.c.kind, outbox.c.status)
        with self.engine.connect() as db:
            return {f"{kind}_{status}": count for kind, status, count in db.execute(query)}

    def deliver_due(self, client: LeadServiceClient, now: float | None = None) -> DeliveryReport:
        """Send every row whose time has come, oldest first (so an erase follows the lead it erases)."""
        now = time.time() if now is None else now
        report = DeliveryReport()
        due = (
            select(outbox.c.id)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.id)
        )
        with self.engine.connect() as db:
            ids = list(db.execute(due).scalars())
        for row_id in ids:
            row = self._claim(row_id, now)
            if row is not None:
                self._deliver(row, client, now, report)
        if report.delivered:
            self._scrub()
        return report

    def _scrub(self) -> None:
        """SQLite: move the zeroed pages out of the -wal file, so deleted leads are gone from the disk too."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as db:
                db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _deliver(self, row: Any, client: LeadServiceClient, now: float, report: DeliveryReport) -> None:
        try:
            if row.kind == "lead":
                client.hand_over(json.loads(row.payload))
            else:
                client.erase_conversation(row.conversation_id, _asked_at(row.payload))
        except ServiceUnavailable as error:
            self._retry_later(row, now, str(error))
            report.retrying += 1
            return
        except LeadErased:
            # The visitor asked to be forgotten after this hand-off (perhaps through another action
            # server): the service stored nothing, so the row goes as if delivered.
            log.info("outbox lead for conversation %s was erased on request before it arrived", row.conversation_id)
        except LeadRejected as error:
            self._set(row.id, status="rejected", last_error=str(error), claimed_until=None)
            log.error("outbox row %s (%s) rejected by the lead service: %s", row.id, row.kind, error)
            report.rejected += 1
            return
        with self.engine.begin() as db:
            db.execute(delete(outbox).where(outbox.c.id == row.id))
        log.info("outbox delivered %s for conversation %s after %s attempt(s)", row.kind, row.conversation_id,
                 row.attempts + 1)
        report.delivered += 1

    def _retry_later(self, row: Any, now: float, error: str) -> None:
        attempts = row.attempts + 1
        backoff = min(self.retry_seconds * 2 ** (attempts - 1), self.max_backoff_seconds)
        self._set(row.id, attempts=attempts, last_error=error[:200], next_attempt_at=now + backoff,
                  claimed_until=None)
        log.warning("outbox %s for conversation %s not delivered (%s); next try in %.0f s", row.kind,
                    row.conversation_id, error, backoff)

    @staticmethod
    def _add(db: Connection, conversation_id: str, kind: str, payload: str | None) -> None:
        now = time.time()
        db.execute(insert(outbox).values(conversation_id=conversation_id, kind=kind, status="pending",
                                         payload=payload, attempts=0, created_at=now, next_attempt_at=now))

    def _claim(self, row_id: int, now: float) -> Any:
        """Take the row for CLAIM_SECONDS, unless another worker holds it."""
        free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
        with self.engine.begin() as db:
            taken = db.execute(
                update(outbox).where(and_(outbox.c.id == row_id, free)).values(claimed_until=now + CLAIM_SECONDS)
            ).rowcount
            if not taken:
                return None
            return db.execute(select(outbox).where(outbox.c.id == row_id)).one()

    def _set(self, row_id: int, **values: Any) -> None:
        with self.engine.begin() as db:
            db.execute(update(outbox).where(outbox.c.id == row_id).values(**values))


def _asked_at(payload: str | None) -> datetime | None:
    """When the visitor asked to erase; None for rows queued before that was recorded (the service takes now)."""
    try:
        return datetime.fromisoformat(json.loads(payload)["asked_at"]) if payload else None
    except (ValueError, TypeError, KeyError):
        return None


def _leads_of(conversation_id: str) -> Any:
    return and_(outbox.c.conversation_id == conversation_id, outbox.c.kind == "lead")


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: Any) -> None:
        # The action server and the worker write the same file: WAL lets them read while the other writes.
        connection.execute("PRAGMA journal_mode=WAL")
        # A dropped or delivered lead's bytes are overwritten, not left in free space (see _scrub).
        connection.execute("PRAGMA secure_delete=ON")

    return engine
