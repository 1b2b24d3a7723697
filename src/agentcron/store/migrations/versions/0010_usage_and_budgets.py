"""usage and budgets: usage columns on the daily rollup, budgets, operators' model prices

The daily rollup of pruned history gains the agent and model of the runs it stands for (in
its key, "" when unknown) and what they spent (input/output tokens, the known cost, runs
and tokens without a price, the longest run), so usage by day, agent, schedule and model
outlives pruning. Budgets limit what a user's runs spend per run, UTC day or UTC month;
`model_prices` lets an operator add or override a model's price from a given instant.
Executions get an index on (user_id, scheduled_for): usage and budgets sum ranges of it.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from agentcron.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

KEY = ["user_id", "schedule_id", "day", "status"]
USAGE = (
    "input_tokens",
    "output_tokens",
    "unpriced_runs",
    "unpriced_tokens",
    "duration_max_ms",
)


def upgrade() -> None:
    with op.batch_alter_table("execution_daily", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agent_id", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("model", sa.String(length=128), server_default="", nullable=False)
        )
        for name in USAGE:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)
            )
        batch_op.add_column(
            sa.Column("cost_usd", sa.Float(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.drop_constraint("pk_execution_daily", type_="primary")
        batch_op.create_primary_key("pk_execution_daily", [*KEY, "agent_id", "model"])
    # Rows rolled up before this revision ran as their schedule's agent (the best we know).
    op.execute(
        "UPDATE execution_daily SET agent_id = (SELECT agent_id FROM scheduled_commands "
        "WHERE scheduled_commands.id = execution_daily.schedule_id)"
    )
    with op.batch_alter_table("scheduled_command_executions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_executions_user_id_scheduled_for", ["user_id", "scheduled_for"], unique=False
        )
    op.create_table(
        "budgets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("max_tokens", sa.Integer(), nullable=True),
        sa.Column("max_usd", sa.Float(), nullable=True),
        sa.Column("warn_at", sa.Float(), nullable=False),
        sa.Column("warned_for", sa.String(length=16), nullable=True),
        sa.Column("exhausted_for", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("scope IN ('user', 'schedule', 'agent')", name=op.f("ck_budgets_scope")),
        sa.CheckConstraint("period IN ('run', 'day', 'month')", name=op.f("ck_budgets_period")),
        sa.CheckConstraint("warn_at > 0 AND warn_at <= 1", name=op.f("ck_budgets_warn_at")),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["scheduled_commands.id"],
            name=op.f("fk_budgets_schedule_id_scheduled_commands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_budgets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
    )
    op.create_index(op.f("ix_budgets_user_id"), "budgets", ["user_id"], unique=False)
    op.create_index(op.f("ix_budgets_schedule_id"), "budgets", ["schedule_id"], unique=False)
    op.create_table(
        "model_prices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("input_per_mtok", sa.Float(), nullable=False),
        sa.Column("output_per_mtok", sa.Float(), nullable=False),
        sa.Column("valid_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_prices")),
        sa.UniqueConstraint("model", "valid_from", name="uq_model_prices_model_valid_from"),
    )


def downgrade() -> None:
    op.drop_table("model_prices")
    op.drop_index(op.f("ix_budgets_schedule_id"), table_name="budgets")
    op.drop_index(op.f("ix_budgets_user_id"), table_name="budgets")
    op.drop_table("budgets")
    with op.batch_alter_table("scheduled_command_executions", schema=None) as batch_op:
        batch_op.drop_index("ix_executions_user_id_scheduled_for")
    # Rows that differ only by agent or model fold back into one per the old key.
    op.execute(
        "CREATE TABLE execution_daily_fold AS SELECT user_id, schedule_id, day, status, "
        "SUM(count) AS count, SUM(tokens_used) AS tokens_used, SUM(llm_calls) AS llm_calls, "
        "SUM(duration_ms) AS duration_ms FROM execution_daily "
        "GROUP BY user_id, schedule_id, day, status"
    )
    op.execute("DELETE FROM execution_daily")
    with op.batch_alter_table("execution_daily", schema=None) as batch_op:
        batch_op.drop_constraint("pk_execution_daily", type_="primary")
        for name in (*USAGE, "cost_usd", "model", "agent_id"):
            batch_op.drop_column(name)
        batch_op.create_primary_key("pk_execution_daily", KEY)
    op.execute(
        "INSERT INTO execution_daily (user_id, schedule_id, day, status, count, tokens_used, "
        "llm_calls, duration_ms) SELECT user_id, schedule_id, day, status, count, tokens_used, "
        "llm_calls, duration_ms FROM execution_daily_fold"
    )
    op.drop_table("execution_daily_fold")
