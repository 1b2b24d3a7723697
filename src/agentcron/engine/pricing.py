"""Operators' prices at the moment a run's outcome is written: a model with a price in
`model_prices` (in force at that instant) is costed from its input and output tokens,
overriding genai-prices' bundled figure or filling in a cost it did not know. Applied once,
when the outcome is written, so history is never re-priced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from agentcron.engine.runner import Outcome
from agentcron.store import prices


def names_of(model: str) -> tuple[str, ...]:
    """A model as reported ("openai:gpt-4o") and as people write it ("gpt-4o")."""
    bare = model.split(":", 1)[1] if ":" in model else model
    return (model, bare) if bare != model else (model,)


def priced(session: Session, batch: Sequence[Outcome], now: datetime) -> list[Outcome]:
    """The batch with operators' prices applied. Costs nothing for outcomes without a model
    or without input/output tokens (the split a price needs)."""
    wanted = [o for o in batch if o.model and (o.input_tokens or o.output_tokens)]
    if not wanted:
        return list(batch)
    names = {name for o in wanted for name in names_of(o.model or "")}
    found = prices.in_force(session, names, now)
    if not found:
        return list(batch)
    out = []
    for o in batch:
        price = None
        if o.model and (o.input_tokens or o.output_tokens):
            price = next((found[n] for n in names_of(o.model) if n in found), None)
        if price is None:
            out.append(o)
            continue
        cost = (
            o.input_tokens * price.input_per_mtok + o.output_tokens * price.output_per_mtok
        ) / 1_000_000
        out.append(replace(o, cost_usd=round(cost, 9)))
    return out
