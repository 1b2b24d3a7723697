"""What counts against a budget at claim: what its period has spent, what the runs still
going hold back, and what a run is expected to spend (engine/budgets.py decides with them).

The estimate of a run is its per-run cap (a budget with period `run`), else the 90th
percentile of its schedule's last 10 runs (0 for a schedule that never ran): a cap is what
the run may spend at most, and recent runs say what it usually does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from agentcron.store import budgets as repo
from agentcron.store.tables import BudgetPeriod

ESTIMATE_RUNS = 10


@dataclass(slots=True)
class Tally:
    """One budget's period: spent so far, and held back for the runs going."""

    rule: repo.BudgetRule
    spent_tokens: int
    spent_usd: float
    reserved_tokens: int = 0
    reserved_usd: float = 0.0
    key: str = ""

    @property
    def used_tokens(self) -> int:
        return self.spent_tokens + self.reserved_tokens

    @property
    def used_usd(self) -> float:
        return self.spent_usd + self.reserved_usd

    def share(self, *, projected: bool = False) -> float | None:
        """How much of the budget is spent (or, projected, spent and held by runs going)."""
        rule = self.rule
        tokens = self.used_tokens if projected else self.spent_tokens
        usd = self.used_usd if projected else self.spent_usd
        shares = []
        if rule.max_tokens:
            shares.append(tokens / rule.max_tokens)
        if rule.max_usd:
            shares.append(usd / rule.max_usd)
        return max(shares) if shares else None


def estimates_for(
    session: Session, schedule_ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, float]]:
    """What a run of each schedule usually spends: tokens and USD, from its recent runs."""
    history = repo.recent_spend(session, schedule_ids, ESTIMATE_RUNS)
    return {sid: p90(history.get(sid, [])) for sid in schedule_ids}


def run_estimate(
    rules: Iterable[repo.BudgetRule],
    usual: tuple[int, float],
    schedule_id: uuid.UUID,
    agent: str,
) -> tuple[int, float]:
    """What this run is expected to spend: the per-run caps that cover it, else `usual`."""
    caps = [r for r in rules if r.period == BudgetPeriod.RUN.value and r.covers(schedule_id, agent)]
    tokens, usd = usual
    token_caps = [r.max_tokens for r in caps if r.max_tokens is not None]
    usd_caps = [r.max_usd for r in caps if r.max_usd is not None]
    return (
        min(token_caps) if token_caps else tokens,
        min(usd_caps) if usd_caps else usd,
    )


def p90(history: list[tuple[int, float | None]]) -> tuple[int, float]:
    """The 90th percentile (nearest rank) of recent tokens and known costs."""
    if not history:
        return 0, 0.0
    tokens = sorted(t for t, _ in history)
    costs = sorted(c for _, c in history if c is not None)

    def rank(values: list[Any]) -> Any:
        return values[max(0, -(-9 * len(values) // 10) - 1)]

    return int(rank(tokens)), float(rank(costs)) if costs else 0.0
