"""Budgets: limits on what a user's runs spend, per run, UTC day or UTC month, for all their
runs, one schedule or one agent. The rules of a budget's fields live here; the engine
enforces budgets at claim (engine/budgets.py), summing spend from executions each time.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, fields
from typing import Any

from agentcron.engine.budgets import period_of
from agentcron.errors import Conflict, InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.handles import normal_handle, parse_id
from agentcron.service.models import User
from agentcron.store import budgets as repo
from agentcron.store import schedules as schedule_repo
from agentcron.store.tables import Budget, BudgetPeriod, BudgetScope

MAX_BUDGETS = 50
MAX_TOKENS = 2**31 - 1  # the column's range
SCOPES = tuple(s.value for s in BudgetScope)
PERIODS = tuple(p.value for p in BudgetPeriod)


@dataclass(frozen=True, slots=True)
class BudgetDraft:
    """A budget as asked for; on change, only the fields in `given` apply."""

    scope: str | None = None
    schedule_id: uuid.UUID | str | None = None
    agent: str | None = None
    period: str | None = None
    max_tokens: int | None = None
    max_usd: float | None = None
    warn_at: float | None = None
    given: frozenset[str] | None = None  # None: every field (a create)

    def has(self, name: str) -> bool:
        return self.given is None or name in self.given


@dataclass(frozen=True, slots=True)
class BudgetView:
    row: Budget
    period_key: str | None  # the current period ("2026-03-02", "2026-03"); None for `run`
    spent_tokens: int | None
    spent_usd: float | None


class BudgetService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def list(self, user: User) -> list[BudgetView]:
        with self.s.store.read() as session:
            return [self._view(session, row) for row in repo.list_for(session, user.id)]

    def get(self, user: User, budget_id: uuid.UUID | str) -> BudgetView:
        with self.s.store.read() as session:
            row = repo.get(session, user.id, parse_id(budget_id, "budget"))
            if row is None:
                raise NotFound("budget", budget_id)
            return self._view(session, row)

    def create(self, user: User, draft: BudgetDraft) -> BudgetView:
        now = self.s.clock.now()
        with self.s.store.write() as session:
            if len(repo.list_for(session, user.id)) >= MAX_BUDGETS:
                raise Conflict(f"you have {MAX_BUDGETS} budgets, the most allowed; delete one")
            row = Budget(id=uuid.uuid4(), user_id=user.id, created_at=now, updated_at=now)
            self._apply(session, user, row, draft, creating=True)
            session.add(row)
            session.flush()
            return self._view(session, row)

    def update(self, user: User, budget_id: uuid.UUID | str, draft: BudgetDraft) -> BudgetView:
        with self.s.store.write() as session:
            row = repo.get(session, user.id, parse_id(budget_id, "budget"))
            if row is None:
                raise NotFound("budget", budget_id)
            self._apply(session, user, row, draft, creating=False)
            row.updated_at = self.s.clock.now()
            session.flush()
            return self._view(session, row)

    def delete(self, user: User, budget_id: uuid.UUID | str) -> None:
        with self.s.store.write() as session:
            if not repo.remove(session, user.id, parse_id(budget_id, "budget")):
                raise NotFound("budget", budget_id)

    def _view(self, session: Any, row: Budget) -> BudgetView:
        if row.period == BudgetPeriod.RUN.value:
            return BudgetView(row, None, None, None)
        start, end, key = period_of(row.period, self.s.clock.now())
        rule = repo.BudgetRule(*(getattr(row, f) for f in repo.BudgetRule.__slots__))
        tokens, usd = repo.spent(session, rule, start, end)
        return BudgetView(row, key, tokens, usd)

    def _apply(
        self, session: Any, user: User, row: Budget, draft: BudgetDraft, *, creating: bool
    ) -> None:
        problems: list[Problem] = []
        values: dict[str, Any] = {f.name: getattr(row, f.name, None) for f in fields(draft)}
        values["agent"] = row.agent_id
        for name in ("scope", "schedule_id", "agent", "period", "max_tokens", "max_usd", "warn_at"):
            if draft.has(name):
                values[name] = getattr(draft, name)
        scope = (values["scope"] or ("" if creating else row.scope) or "").strip().lower()
        if scope not in SCOPES:
            problems.append(
                Problem(
                    "scope", f"{values['scope']!r} is not a scope", "use user, schedule or agent"
                )
            )
        period = (values["period"] or "").strip().lower()
        if period not in PERIODS:
            problems.append(
                Problem("period", f"{values['period']!r} is not a period", "use run, day or month")
            )
        schedule_id: uuid.UUID | None = None
        agent: str | None = None
        if scope == BudgetScope.SCHEDULE.value:
            raw = values["schedule_id"]
            if raw is None or raw == "":
                problems.append(
                    Problem(
                        "schedule_id",
                        "a schedule budget needs schedule_id",
                        "give one of your schedules' ids",
                    )
                )
            else:
                try:
                    ident = parse_id(raw, "schedule")
                except NotFound:
                    ident = None
                if ident is None or schedule_repo.get(session, user.id, ident) is None:
                    problems.append(
                        Problem(
                            "schedule_id", f"no schedule {raw}", "give one of your schedules' ids"
                        )
                    )
                else:
                    schedule_id = ident
        elif scope == BudgetScope.AGENT.value:
            raw_agent = (values["agent"] or "").strip()
            if not raw_agent:
                problems.append(
                    Problem("agent", "an agent budget needs agent", "give a handle, e.g. @alice")
                )
            else:
                handles = self.s.agents.handles()
                agent = normal_handle(raw_agent, handles)
                if agent not in handles:
                    problems.append(
                        Problem(
                            "agent",
                            f"no agent @{agent}",
                            f"known agents: {', '.join('@' + h for h in sorted(handles))}",
                        )
                    )
        max_tokens, max_usd = values["max_tokens"], values["max_usd"]
        if max_tokens is None and max_usd is None:
            problems.append(
                Problem(
                    "max_tokens",
                    "a budget needs max_tokens, max_usd or both",
                    "e.g. max_tokens: 100000",
                )
            )
        if max_tokens is not None and (
            isinstance(max_tokens, bool)
            or not isinstance(max_tokens, int)
            or not 1 <= max_tokens <= MAX_TOKENS
        ):
            problems.append(
                Problem(
                    "max_tokens",
                    f"{max_tokens!r} is not a whole number from 1 to {MAX_TOKENS:,}",
                    "e.g. 100000",
                )
            )
        if max_usd is not None and (
            isinstance(max_usd, bool)
            or not isinstance(max_usd, int | float)
            or not math.isfinite(max_usd)
            or not 0 < max_usd <= 1e12
        ):
            problems.append(Problem("max_usd", f"{max_usd!r} is not a positive amount", "e.g. 5.0"))
        warn_at = values["warn_at"] if values["warn_at"] is not None else 0.8
        if (
            isinstance(warn_at, bool)
            or not isinstance(warn_at, int | float)
            or not 0 < warn_at <= 1
        ):
            problems.append(
                Problem(
                    "warn_at",
                    f"{warn_at!r} is not a share of the limit",
                    "a number above 0 and at most 1, e.g. 0.8",
                )
            )
        if problems:
            raise InvalidInput(problems)
        changed = (row.scope, row.schedule_id, row.agent_id, row.period) != (
            scope,
            schedule_id,
            agent,
            period,
        )
        row.scope, row.schedule_id, row.agent_id, row.period = scope, schedule_id, agent, period
        row.max_tokens = max_tokens
        row.max_usd = None if max_usd is None else float(max_usd)
        row.warn_at = float(warn_at)
        if changed or not creating:
            # A changed limit may warn or run out again in this period.
            row.warned_for = None
            row.exhausted_for = None
