"""partial indexes for the executions still in play

The engine looks up executions by state only while they are pending (retries, run-now) or
running (lease recovery). Indexing every row by (status, ...) made each insert and each
finish touch two indexes that grow with the whole history; indexing only the pending and
the running rows keeps both tiny and saves four index updates per fire.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "scheduled_command_executions"
PENDING = sa.text("status = 'pending'")
RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index("ix_executions_status_next_attempt_at")
        batch_op.drop_index("ix_executions_status_lease_expires_at")
        batch_op.create_index(
            "ix_executions_pending_next_attempt_at",
            ["next_attempt_at"],
            unique=False,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
        batch_op.create_index(
            "ix_executions_running_lease_expires_at",
            ["lease_expires_at"],
            unique=False,
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index("ix_executions_running_lease_expires_at")
        batch_op.drop_index("ix_executions_pending_next_attempt_at")
        batch_op.create_index(
            "ix_executions_status_lease_expires_at", ["status", "lease_expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_executions_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
