"""What runs may spend: budgets and operators' model prices."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from agentcron.store.tables.base import (
    Base,
    allowed_in,
)
from agentcron.store.types import UTCDateTime


class BudgetScope(StrEnum):
    USER = "user"
    SCHEDULE = "schedule"
    AGENT = "agent"


class BudgetPeriod(StrEnum):
    RUN = "run"
    DAY = "day"
    MONTH = "month"


class Budget(Base):
    """A limit on what a user's runs may spend (tokens and/or USD) per run, UTC day or UTC
    month, for all their runs, one schedule or one agent. Spend is summed from executions at
    each check (engine/budgets.py); this row holds only the limit, and which period was
    last warned about or exhausted, so each notice goes out once per period. On PostgreSQL
    a claim locks its owner's budget rows, so two instances never both pass a check."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint(allowed_in("scope", BudgetScope), name="scope"),
        CheckConstraint(allowed_in("period", BudgetPeriod), name="period"),
        CheckConstraint("warn_at > 0 AND warn_at <= 1", name="warn_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(8))
    max_tokens: Mapped[int | None] = mapped_column(Integer)
    max_usd: Mapped[float | None] = mapped_column(Float)
    warn_at: Mapped[float] = mapped_column(Float, default=0.8)
    warned_for: Mapped[str | None] = mapped_column(String(16))
    exhausted_for: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ModelPrice(Base):
    """An operator's price for a model (USD per million tokens), in force from `valid_from`:
    it overrides or adds to genai-prices' bundled data for runs that end after that instant.
    Costs are written when a run ends, so a new price never re-prices history."""

    __tablename__ = "model_prices"
    __table_args__ = (
        UniqueConstraint("model", "valid_from", name="uq_model_prices_model_valid_from"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    model: Mapped[str] = mapped_column(String(128))
    input_per_mtok: Mapped[float] = mapped_column(Float)
    output_per_mtok: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
