"""Staff login sessions held by the server: "Uitloggen" ends a session for good.

The login cookie used to carry the account id itself, so a copy of it kept working after logging
out until it expired (8 hours). Now it carries a random session key whose hash is a row here;
logging out deletes the row, and the copied cookie opens nothing. Sessions of before this
migration end with it: staff log in once more.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("credentials_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"],
                                name=op.f("fk_staff_sessions_account_id_staff_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_staff_sessions_key_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_account_id"), "staff_sessions", ["account_id"])
    op.create_index(op.f("ix_staff_sessions_expires_at"), "staff_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("staff_sessions")
