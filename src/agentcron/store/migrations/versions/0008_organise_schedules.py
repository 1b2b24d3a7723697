"""organising many schedules: tags, templates, pauses that end by themselves, backfill

Tags get a row per (schedule, tag), indexed by tag, so filtering is a plain lookup on both
dialects. Templates keep a command with {placeholders}, its timing fields and tags. A pause
by hand may carry an end (`paused_until`), indexed for the engine's resume step. Executions
gain the trigger "backfill".

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from agentcron.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TRIGGERS_BEFORE = "trigger IN ('schedule', 'manual', 'retry', 'chain')"
TRIGGERS_AFTER = "trigger IN ('schedule', 'manual', 'retry', 'chain', 'backfill')"


def upgrade() -> None:
    op.create_table(
        "schedule_tags",
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["scheduled_commands.id"],
            name=op.f("fk_schedule_tags_schedule_id_scheduled_commands"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "tag", name=op.f("pk_schedule_tags")),
    )
    with op.batch_alter_table("schedule_tags", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_tags_tag", ["tag"], unique=False)

    op.create_table(
        "schedule_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("command_text", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("timing", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_schedule_templates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_templates")),
        sa.UniqueConstraint("user_id", "name", name="uq_schedule_templates_user_id_name"),
    )
    with op.batch_alter_table("schedule_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_templates_user_id"), ["user_id"], unique=False
        )

    with op.batch_alter_table("scheduled_commands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_scheduled_commands_paused_until"), ["paused_until"], unique=False
        )

    _triggers(TRIGGERS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_command_executions WHERE trigger = 'backfill'")
    _triggers(TRIGGERS_BEFORE)
    with op.batch_alter_table("scheduled_commands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_commands_paused_until"))
        batch_op.drop_column("paused_until")
    op.drop_table("schedule_templates")
    op.drop_table("schedule_tags")


def _triggers(condition: str) -> None:
    """Replace the executions' trigger check (SQLite rebuilds the table to do it)."""
    with op.batch_alter_table("scheduled_command_executions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_scheduled_command_executions_trigger"), type_="check")
        batch_op.create_check_constraint("trigger", condition)
