"""dependency chains (`after` schedules) and agent groups (one execution per member agent)

Schedules gain `after_schedule_id` / `after_on` and the type `after`; executions gain the
trigger `chain`, `upstream_execution_id` and `chain` (whether their end may start their
downstream), and the slot key becomes (schedule, slot, agent) so a group schedule records
one execution per member agent at each slot.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SCHEDULES = "scheduled_commands"
EXECUTIONS = "scheduled_command_executions"
TYPES_OLD = "schedule_type IN ('cron', 'interval', 'once')"
TYPES_NEW = "schedule_type IN ('cron', 'interval', 'once', 'after')"
TRIGGERS_OLD = "trigger IN ('schedule', 'manual', 'retry')"
TRIGGERS_NEW = "trigger IN ('schedule', 'manual', 'retry', 'chain')"
AFTER_ON = "after_on IS NULL OR after_on IN ('success', 'failure', 'always')"


def upgrade() -> None:
    with op.batch_alter_table(SCHEDULES, schema=None) as batch_op:
        batch_op.add_column(sa.Column("after_schedule_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("after_on", sa.String(length=8), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_scheduled_commands_after_schedule_id"),
            ["after_schedule_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_scheduled_commands_after_schedule_id_scheduled_commands"),
            SCHEDULES,
            ["after_schedule_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(op.f("ck_scheduled_commands_schedule_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_scheduled_commands_schedule_type"), TYPES_NEW)
        batch_op.create_check_constraint(op.f("ck_scheduled_commands_after_on"), AFTER_ON)

    with op.batch_alter_table(EXECUTIONS, schema=None) as batch_op:
        batch_op.add_column(sa.Column("upstream_execution_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("chain", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
        batch_op.drop_constraint(op.f("uq_executions_schedule_slot"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_executions_schedule_slot", ["schedule_id", "scheduled_for", "agent_id"]
        )
        batch_op.drop_constraint(op.f("ck_scheduled_command_executions_trigger"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_scheduled_command_executions_trigger"), TRIGGERS_NEW
        )


def downgrade() -> None:
    op.execute(f"DELETE FROM {EXECUTIONS} WHERE trigger = 'chain'")  # noqa: S608
    with op.batch_alter_table(EXECUTIONS, schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_scheduled_command_executions_trigger"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_scheduled_command_executions_trigger"), TRIGGERS_OLD
        )
        batch_op.drop_constraint(op.f("uq_executions_schedule_slot"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_executions_schedule_slot", ["schedule_id", "scheduled_for"]
        )
        batch_op.drop_column("chain")
        batch_op.drop_column("upstream_execution_id")

    op.execute(f"DELETE FROM {SCHEDULES} WHERE schedule_type = 'after'")  # noqa: S608
    with op.batch_alter_table(SCHEDULES, schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_scheduled_commands_after_on"), type_="check")
        batch_op.drop_constraint(op.f("ck_scheduled_commands_schedule_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_scheduled_commands_schedule_type"), TYPES_OLD)
        batch_op.drop_constraint(
            "fk_scheduled_commands_after_schedule_id_scheduled_commands", type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_scheduled_commands_after_schedule_id"))
        batch_op.drop_column("after_on")
        batch_op.drop_column("after_schedule_id")
