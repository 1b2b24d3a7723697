"""Enumerations, naming convention and the declarative base every table shares."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Index,
    MetaData,
    Table,
    text,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExecutionStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    MISSED = "missed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (ExecutionStatus.PENDING, ExecutionStatus.RUNNING)


class ExecutionTrigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    RETRY = "retry"
    CHAIN = "chain"  # created by its upstream's final outcome (0007)
    BACKFILL = "backfill"  # a past slot run on request (0008)


class ChainOn(StrEnum):
    """Which final outcomes of its upstream an `after` schedule runs on (0007)."""

    SUCCESS = "success"
    FAILURE = "failure"  # failed or timed out
    ALWAYS = "always"  # any of the three (never cancelled, skipped or missed)


class Overlap(StrEnum):
    SKIP = "skip"
    ALLOW = "allow"


def allowed_in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, typed for Core statements (bulk insert/update)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of only the rows `where` holds, on both dialects (the same predicate for
    each): the rows still in play, so the index stays small however long history grows."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))
