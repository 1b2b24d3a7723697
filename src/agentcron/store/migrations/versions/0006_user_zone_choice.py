"""whether a user chose their time zone, and the browser's zone to suggest

A user made without a zone gets UTC, which says nothing about where they are. The browser's
zone, seen at sign-in, is kept as a one-time suggestion until the user sets a zone (which
marks it chosen) or keeps the one they have.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "timezone_chosen", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("suggested_timezone", sa.String(length=64), nullable=True))
    # A zone other than the default was set on purpose (`agentcron users create --tz`).
    op.execute("UPDATE users SET timezone_chosen = true WHERE timezone <> 'UTC'")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("suggested_timezone")
        batch_op.drop_column("timezone_chosen")
