"""Conversation erasures: deferred deletion of a conversation from Rasa's tracker store.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Plain types here, not the app's: a migration must keep working when the models change.
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("events_erased", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_erasures")),
    )
    for column in ("conversation_id", "due_at", "done_at"):
        op.create_index(op.f(f"ix_conversation_erasures_{column}"), "conversation_erasures", [column])


def downgrade() -> None:
    op.drop_table("conversation_erasures")  # its indexes go with it
