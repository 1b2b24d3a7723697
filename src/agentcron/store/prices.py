"""Operators' model prices (`model_prices`): add one, list them, and find the price in force
for some models at an instant. Read when a run's outcome is written, so a cost is fixed
then and a later price never re-prices history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agentcron.store.tables import ModelPrice


def all_prices(session: Session) -> list[ModelPrice]:
    return list(
        session.scalars(select(ModelPrice).order_by(ModelPrice.model, ModelPrice.valid_from))
    )


def in_force(session: Session, models: Iterable[str], at: datetime) -> dict[str, ModelPrice]:
    """For each model named, the newest price whose `valid_from` is at or before `at`."""
    names = sorted(set(models))
    if not names:
        return {}
    found: dict[str, ModelPrice] = {}
    rows = session.scalars(
        select(ModelPrice)
        .where(ModelPrice.model.in_(names), ModelPrice.valid_from <= at)
        .order_by(ModelPrice.valid_from)
    )
    for row in rows:
        found[row.model] = row  # later rows replace earlier ones
    return found


def exists(session: Session, model: str, valid_from: datetime) -> bool:
    return (
        session.scalar(
            select(ModelPrice.id).where(
                ModelPrice.model == model, ModelPrice.valid_from == valid_from
            )
        )
        is not None
    )
