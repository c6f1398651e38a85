"""Conversations indexed from Rasa's tracker store, and staff review: tags, notes, flagged messages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Plain types here, not the app's: a migration must keep working when the models change.
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("first_event_id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("last_active_at", UTC_TIME, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("channels", sa.String(length=64), nullable=False),
        sa.Column("need", sa.String(length=64), nullable=True),
        sa.Column("recommendation", sa.String(length=16), nullable=True),
        sa.Column("guidance_variant", sa.String(length=32), nullable=True),
        sa.Column("handed_over", sa.Boolean(), nullable=False),
        sa.Column("user_messages", sa.Integer(), nullable=False),
        sa.Column("bot_messages", sa.Integer(), nullable=False),
        sa.Column("fallbacks", sa.Integer(), nullable=False),
        sa.Column("first_message", sa.String(length=300), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("restart_pending", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", UTC_TIME, nullable=True),
        sa.Column("reviewed_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("first_event_id", name=op.f("uq_conversations_first_event_id")),
    )
    with op.batch_alter_table("conversations") as batch:
        batch.create_index("ix_conversations_sender_first_event", ["sender_id", "first_event_id"])
        for column in ("started_at", "last_active_at", "channel", "need", "recommendation", "handed_over",
                       "user_messages", "reviewed_at"):
            batch.create_index(batch.f(f"ix_conversations_{column}"), [column])

    op.create_table(
        "conversation_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_conversation_tags_conversation_id_conversations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_tags")),
        sa.UniqueConstraint("conversation_id", "tag", name="uq_conversation_tags_conversation_tag"),
    )
    with op.batch_alter_table("conversation_tags") as batch:
        batch.create_index(batch.f("ix_conversation_tags_conversation_id"), ["conversation_id"])
        batch.create_index(batch.f("ix_conversation_tags_tag"), ["tag"])

    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_conversation_notes_conversation_id_conversations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
    )
    with op.batch_alter_table("conversation_notes") as batch:
        batch.create_index(batch.f("ix_conversation_notes_conversation_id"), ["conversation_id"])

    op.create_table(
        "message_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=255), nullable=True),
        sa.Column("predicted_confidence", sa.Float(), nullable=True),
        sa.Column("correct_intent", sa.String(length=64), nullable=False),
        sa.Column("flagged_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_message_flags_conversation_id_conversations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_flags")),
        sa.UniqueConstraint("event_id", name=op.f("uq_message_flags_event_id")),
    )
    with op.batch_alter_table("message_flags") as batch:
        batch.create_index(batch.f("ix_message_flags_conversation_id"), ["conversation_id"])
        batch.create_index(batch.f("ix_message_flags_correct_intent"), ["correct_intent"])

    op.create_table(
        "conversation_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_index_state")),
    )


def downgrade() -> None:
    for table in ("conversation_index_state", "message_flags", "conversation_notes", "conversation_tags",
                  "conversations"):
        op.drop_table(table)
