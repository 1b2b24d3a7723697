"""Operators' model prices: administrators add a price (USD per million input and output
tokens) for a model from an instant on; everyone may read them. A price applies to runs
that end after its start and never changes a cost already written."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentcron.errors import Conflict, Forbidden, InvalidInput, Problem
from agentcron.service.context import Services
from agentcron.service.models import User
from agentcron.store import prices as repo
from agentcron.store.tables import ModelPrice


@dataclass(frozen=True, slots=True)
class PriceDraft:
    model: Any = None
    input_per_mtok: Any = None
    output_per_mtok: Any = None
    valid_from: datetime | None = None  # None: now


def _amount(value: Any, name: str, problems: list[Problem]) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 1e9
    ):
        problems.append(
            Problem(name, f"{value!r} is not a price", "USD per million tokens, e.g. 2.5")
        )
        return 0.0
    return float(value)


class PriceService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def list(self, user: User) -> list[ModelPrice]:
        with self.s.store.read() as session:
            return repo.all_prices(session)

    def add(self, user: User, draft: PriceDraft) -> ModelPrice:
        if not user.is_admin:
            raise Forbidden("model prices are set by administrators")
        problems: list[Problem] = []
        model = draft.model.strip() if isinstance(draft.model, str) else ""
        if not model or len(model) > 128:
            problems.append(
                Problem(
                    "model", "a model name is needed (at most 128 characters)", "e.g. openai:gpt-4o"
                )
            )
        input_price = _amount(draft.input_per_mtok, "input_per_mtok", problems)
        output_price = _amount(draft.output_per_mtok, "output_per_mtok", problems)
        valid_from = draft.valid_from or self.s.clock.now()
        if valid_from.tzinfo is None or valid_from.utcoffset() is None:
            problems.append(
                Problem("valid_from", "the instant has no time zone", "e.g. 2026-04-01T00:00:00Z")
            )
        elif not 1970 <= valid_from.year <= 9000:
            problems.append(
                Problem("valid_from", "out of range", "an instant between 1970 and 9000")
            )
        if problems:
            raise InvalidInput(problems)
        with self.s.store.write() as session:
            if repo.exists(session, model, valid_from):
                raise Conflict(f"{model} already has a price from {valid_from.isoformat()}")
            row = ModelPrice(
                id=uuid.uuid4(),
                model=model,
                input_per_mtok=input_price,
                output_per_mtok=output_price,
                valid_from=valid_from,
                created_at=self.s.clock.now(),
            )
            session.add(row)
        return row
