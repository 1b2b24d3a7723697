"""executions carry their current attempt, usage and transcript

A run that succeeds first time now costs one insert at its claim and one update at its
end: the current (or last) attempt lives on the execution row (`attempt_started_at`,
`steps`), and `execution_attempts` keeps only the attempts another one followed (retries,
lost workers, hand-backs). Executions and attempts gain the usage agents report
(input/output tokens, cost in USD, the model), an error code, and the transcript of steps.

Running executions at upgrade time keep their attempt's start, and their `running`
attempt rows (now carried by the execution) are removed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from agentcron.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EXECUTIONS = "scheduled_command_executions"
ATTEMPTS = "execution_attempts"


def _usage_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("input_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("output_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("steps", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table(EXECUTIONS, schema=None) as batch_op:
        for column in _usage_columns():
            batch_op.add_column(column)
        batch_op.alter_column("cost", new_column_name="cost_usd")
        batch_op.add_column(sa.Column("model", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("attempt_started_at", UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table(ATTEMPTS, schema=None) as batch_op:
        for column in _usage_columns():
            batch_op.add_column(column)
        batch_op.add_column(sa.Column("cost_usd", sa.Float(), nullable=True))
    op.execute(
        f"UPDATE {EXECUTIONS} SET attempt_started_at = ("  # noqa: S608
        f"SELECT a.started_at FROM {ATTEMPTS} a WHERE a.execution_id = {EXECUTIONS}.id "
        f"AND a.number = {EXECUTIONS}.attempt) WHERE status = 'running'"
    )
    op.execute(f"DELETE FROM {ATTEMPTS} WHERE status = 'running'")  # noqa: S608


def downgrade() -> None:
    with op.batch_alter_table(ATTEMPTS, schema=None) as batch_op:
        for name in ("cost_usd", "error_code", "steps", "output_tokens", "input_tokens"):
            batch_op.drop_column(name)
    with op.batch_alter_table(EXECUTIONS, schema=None) as batch_op:
        for name in ("attempt_started_at", "model", "error_code", "steps"):
            batch_op.drop_column(name)
        batch_op.drop_column("output_tokens")
        batch_op.drop_column("input_tokens")
        batch_op.alter_column("cost_usd", new_column_name="cost")
