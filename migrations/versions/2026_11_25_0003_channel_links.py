"""Channel links: one-time tokens that move a web conversation to Telegram.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Unix seconds (float): Rasa's process writes these rows with SQLAlchemy 1.4 (bot/channels/links.py).
    op.create_table(
        "channel_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("claimed_at", sa.Float(), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_channel_links_token_hash")),
    )
    for column in ("conversation_id", "telegram_chat_id"):
        op.create_index(op.f(f"ix_channel_links_{column}"), "channel_links", [column])


def downgrade() -> None:
    op.drop_table("channel_links")
