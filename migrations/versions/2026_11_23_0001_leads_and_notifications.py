"""Leads and their notification outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Plain types here, not the app's: a migration must keep working when the models change.
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("preferred_moment", sa.String(length=200), nullable=True),
        sa.Column("need", sa.String(length=64), nullable=True),
        sa.Column("recommendation", sa.String(length=16), nullable=True),
        sa.Column("guidance_variant", sa.String(length=32), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("transcript_url", sa.String(length=2048), nullable=True),
        sa.Column("consent_store", sa.Boolean(), nullable=False),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_text_version", sa.String(length=32), nullable=False),
        sa.Column("consent_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_mentor", sa.String(length=254), nullable=True),
        sa.Column("mentor_response", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "mentor_response IN ('pending', 'accepted', 'declined')", name=op.f("ck_leads_mentor_response")
        ),
        sa.CheckConstraint("status IN ('new', 'contacted', 'matched', 'closed')", name=op.f("ck_leads_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_leads_conversation_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_leads_reference")),
    )
    for column in ("created_at", "email", "phone", "recommendation", "status"):
        op.create_index(op.f(f"ix_leads_{column}"), "leads", [column])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=2048), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UTC_TIME, nullable=True),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("channel IN ('email', 'webhook')", name=op.f("ck_notifications_channel")),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_notifications_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    for column in ("lead_id", "next_attempt_at"):
        op.create_index(op.f(f"ix_notifications_{column}"), "notifications", [column])


def downgrade() -> None:
    op.drop_table("notifications")  # its indexes go with it
    op.drop_table("leads")
