"""Leads per hand-off with consent per channel; on SQLite, ids the audit log names are never reused.

- `leads.consent_email`, `leads.consent_phone`: consent to be contacted, per channel. NULL for the
  leads stored before: their consent was not recorded per channel, and the screens say so.
- One lead per hand-off (conversation + consent moment) instead of per conversation: after
  "vergeet mij" a visitor may hand over again in the same conversation.
- SQLite: `leads`, `staff_accounts` and `conversations` get AUTOINCREMENT, its counter set past the
  highest id the table or the audit log has known, so "lead:6" keeps meaning that one lead.
- Stored links to a visitor's conversation (`leads.transcript_url`) now point to the lead's page.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# How the audit log names ids: "lead:6", "leads:6,7", "account:3", "conversation:12" and lists in `detail`.
TARGET = re.compile(r"^(lead|leads|account|conversation):([\d,]+)$")
TARGET_TABLES = {"lead": "leads", "leads": "leads", "account": "staff_accounts", "conversation": "conversations"}
DETAIL_TABLES = {"lead_ids": "leads", "conversation_ids": "conversations"}


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table("leads", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("consent_email", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("consent_phone", sa.Boolean(), nullable=True))
        batch.drop_constraint("uq_leads_conversation_id", type_="unique")
        batch.create_unique_constraint("uq_leads_conversation_handoff", ["conversation_id", "consent_at"])
    if sqlite:
        for table in ("staff_accounts", "conversations"):
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
        _count_past_known_ids(bind)
    _link_lead_pages(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    twice = bind.execute(sa.text(
        "SELECT conversation_id FROM leads GROUP BY conversation_id HAVING count(*) > 1 LIMIT 1")).first()
    if twice is not None:
        raise RuntimeError("Cannot go back to one lead per conversation: a conversation has several leads "
                           "(handed over again after 'vergeet mij'). Erase or merge them first.")
    # AUTOINCREMENT stays: dropping it would only let ids be reused again.
    with op.batch_alter_table("leads", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint("uq_leads_conversation_handoff", type_="unique")
        batch.create_unique_constraint("uq_leads_conversation_id", ["conversation_id"])
        batch.drop_column("consent_phone")
        batch.drop_column("consent_email")


def _count_past_known_ids(bind: sa.Connection) -> None:
    """SQLite's AUTOINCREMENT counter, per table, past every id the table or the audit log knows."""
    known: dict[str, set[int]] = defaultdict(set)
    for target, detail in bind.execute(sa.text("SELECT target, detail FROM audit_log")):
        match = TARGET.match(target or "")
        if match:
            known[TARGET_TABLES[match.group(1)]].update(int(part) for part in match.group(2).split(",") if part)
        try:
            values = json.loads(detail) if isinstance(detail, str) else (detail or {})
        except ValueError:
            continue
        for key, table in DETAIL_TABLES.items():
            ids = values.get(key) if isinstance(values, dict) else None
            if isinstance(ids, list):
                known[table].update(value for value in ids if isinstance(value, int))
    for table in ("leads", "staff_accounts", "conversations"):
        highest = max(known[table] | {bind.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()})
        if not highest:
            continue
        counted = bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}).first()
        if counted is None:
            bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
                         {"table": table, "seq": highest})
        elif counted[0] < highest:
            bind.execute(sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table"),
                         {"table": table, "seq": highest})


def _link_lead_pages(bind: sa.Connection) -> None:
    """Links that named the visitor's conversation now name the lead (its page links the transcript)."""
    rows = bind.execute(sa.text("SELECT id, transcript_url FROM leads WHERE transcript_url IS NOT NULL")).all()
    for lead_id, link in rows:
        scheme, host, path, _query, _fragment = urlsplit(link)
        found = [at for at in ((path + "/").find(ours + "/") for ours in ("/staff", "/api")) if at >= 0]
        base = urlunsplit((scheme, host, (path[:min(found)] if found else path).rstrip("/"), "", ""))
        page = f"{base}/staff/leads/{lead_id}"
        if page != link and len(page) <= 2048:
            bind.execute(sa.text("UPDATE leads SET transcript_url = :page WHERE id = :id"),
                         {"page": page, "id": lead_id})
