"""per-agent limits: what a pending run waits for, the agents' gates and their recent starts

`scheduled_command_executions.waiting_for` says a pending run waits for its agent's limit
(`agent_limit`), with a partial index over those rows per agent. `agent_gates` holds one row
per limited or paused agent: the claim locks it, and `paused_until` records a backend's
429 Retry-After for every instance. `agent_starts` keeps the last minute's starts of
rate-limited agents.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from agentcron.store.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_WAITING = "status = 'pending' AND waiting_for IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "agent_gates",
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("paused_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_gates")),
    )
    op.create_table(
        "agent_starts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_starts")),
    )
    with op.batch_alter_table("agent_starts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agent_starts_agent_id_started_at", ["agent_id", "started_at"], unique=False
        )
    with op.batch_alter_table("scheduled_command_executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_for", sa.String(length=16), nullable=True))
        batch_op.create_index(
            "ix_executions_waiting_agent_id",
            ["agent_id", "scheduled_for"],
            unique=False,
            sqlite_where=sa.text(_WAITING),
            postgresql_where=sa.text(_WAITING),
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_command_executions", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_executions_waiting_agent_id",
            sqlite_where=sa.text(_WAITING),
            postgresql_where=sa.text(_WAITING),
        )
        batch_op.drop_column("waiting_for")
    with op.batch_alter_table("agent_starts", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_starts_agent_id_started_at")
    op.drop_table("agent_starts")
    op.drop_table("agent_gates")
