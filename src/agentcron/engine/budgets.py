"""Budgets at claim: whether a run may start, and how many tokens it may spend, decided in
the claim's transaction (ARCHITECTURE.md, invariant 10).

A run is refused (recorded `skipped`, code `budget_exhausted`, no agent call, no retry)
when, for any budget that covers it, what was spent in the period + what the runs still
going are expected to spend + this run's estimate would pass the limit, or the limit is
already reached. What each run is expected to spend is engine/budget_spend.py's.
Periods are UTC calendar days and months, by the slot's instant, so every instance agrees.

A run admitted is handed the tokens it may still spend (the smallest of what each token
budget leaves and the per-run caps): llm agents stop there, failing with `budget_exceeded`.

Costs: users without budgets pay one tiny query per claim transaction (`any_budgets`);
owners with budgets pay a few sums per budget per claim batch. On PostgreSQL the owners'
budget rows are locked for the claim, so two instances cannot both pass a check: the second
waits, then sees the first one's runs as running.

The notices a check leads to (a limit reached, a warning) are engine/budget_notices.py's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine.budget_notices import BudgetNotices, describe
from agentcron.engine.budget_spend import Tally, estimates_for, run_estimate
from agentcron.store import budgets as repo
from agentcron.store.records import DueSchedule, NewExecution, PendingExecution
from agentcron.store.tables import BudgetPeriod, ExecutionStatus

CODE = "budget_exhausted"
Event = tuple[str, str, dict[str, Any]]


def period_of(period: str, now: datetime) -> tuple[datetime, datetime, str]:
    """The UTC day or month `now` falls in: [start, end) and its key ("2026-03-02", "2026-03")."""
    today = now.astimezone(UTC).date()
    if period == BudgetPeriod.MONTH.value:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return (
            datetime.combine(first, time(), UTC),
            datetime.combine(following, time(), UTC),
            first.strftime("%Y-%m"),
        )
    start = datetime.combine(today, time(), UTC)
    return start, start + timedelta(days=1), today.isoformat()


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    allowance: int | None = None  # tokens this run may spend (None: no token limit)
    message: str | None = None


ADMIT = Verdict(True)


@dataclass
class BudgetGate:
    """The budgets of one claim batch's owners, with what is spent and held back so far; each
    run admitted holds back its estimate for the runs after it in the same batch."""

    now: datetime
    rules: dict[uuid.UUID, list[repo.BudgetRule]] = field(default_factory=dict)
    tallies: dict[uuid.UUID, Tally] = field(default_factory=dict)
    estimates: dict[uuid.UUID, tuple[int, float]] = field(default_factory=dict)
    notices: BudgetNotices = field(default_factory=BudgetNotices)
    refused: list[tuple[uuid.UUID, str]] = field(default_factory=list)  # waiting executions
    events: list[Event] = field(default_factory=list)

    @classmethod
    def load(
        cls, session: Session, now: datetime, runs: list[tuple[uuid.UUID, uuid.UUID, str]]
    ) -> BudgetGate:
        """For the candidate runs (user, schedule, agent) of one claim batch."""
        gate = cls(now)
        if not runs or not repo.any_budgets(session):
            return gate
        for rule in repo.rules_for(session, {user for user, _, _ in runs}):
            gate.rules.setdefault(rule.user_id, []).append(rule)
        if not gate.rules:
            return gate
        going = repo.running(session, gate.rules)
        schedules = {sid for user, sid, _ in runs if user in gate.rules}
        schedules |= {sid for _, sid, _ in going}
        gate.estimates.update(estimates_for(session, schedules))
        for user, user_rules in gate.rules.items():
            for rule in user_rules:
                if rule.period == BudgetPeriod.RUN.value:
                    continue
                start, end, key = period_of(rule.period, now)
                tokens, usd = repo.spent(session, rule, start, end)
                gate.tallies[rule.id] = Tally(rule, tokens, usd, key=key)
            for owner, sid, agent in going:
                if owner == user:
                    gate._hold(user, sid, agent)
        gate.notices.warn_spent(gate.tallies.values(), {sid for _, sid, _ in runs})
        return gate

    def _estimate(self, user: uuid.UUID, schedule_id: uuid.UUID, agent: str) -> tuple[int, float]:
        usual = self.estimates.get(schedule_id, (0, 0.0))
        return run_estimate(self.rules.get(user, ()), usual, schedule_id, agent)

    def _hold(self, user: uuid.UUID, schedule_id: uuid.UUID, agent: str) -> None:
        tokens, usd = self._estimate(user, schedule_id, agent)
        for rule in self.rules.get(user, ()):
            tally = self.tallies.get(rule.id)
            if tally is not None and rule.covers(schedule_id, agent):
                tally.reserved_tokens += tokens
                tally.reserved_usd += usd

    def verdict(self, user: uuid.UUID, schedule_id: uuid.UUID, agent: str) -> Verdict:
        """May this run start? If so, with how many tokens; either way, in order: an admitted
        run holds back its estimate from the ones after it."""
        rules = self.rules.get(user)
        if not rules:
            return ADMIT
        tokens, usd = self._estimate(user, schedule_id, agent)
        allowance: int | None = None
        for rule in rules:
            if not rule.covers(schedule_id, agent):
                continue
            if rule.period == BudgetPeriod.RUN.value:
                if rule.max_tokens is not None:
                    allowance = _least(allowance, rule.max_tokens)
                continue
            tally = self.tallies[rule.id]
            refusal = _refusal(tally, tokens, usd)
            if refusal is not None:
                marked = self.notices.exhausted(rule, tally.key, schedule_id, refusal)
                if marked is not None:
                    self._swap(marked)
                return Verdict(False, message=f"skipped: {CODE}: {refusal}")
            if rule.max_tokens is not None:
                allowance = _least(allowance, rule.max_tokens - tally.used_tokens)
        self._hold(user, schedule_id, agent)
        for warned in self.notices.warn_ahead(
            self.rules.get(user, ()), self.tallies, schedule_id, agent
        ):
            self._swap(warned)
        return Verdict(True, allowance=allowance)

    def _swap(self, rule: repo.BudgetRule) -> None:
        self.rules[rule.user_id] = [
            rule if r.id == rule.id else r for r in self.rules[rule.user_id]
        ]
        self.tallies[rule.id].rule = rule

    def refuse(self, item: PendingExecution, verdict: Verdict, *, events: bool) -> None:
        """A waiting execution (a run-now, a retry) the budgets refused: skipped at `write`."""
        self.refused.append((item.id, verdict.message or CODE))
        if events:
            self.events.append(
                (
                    "execution.finished",
                    str(item.user_id),
                    {
                        "execution_id": str(item.id),
                        "schedule_id": str(item.schedule_id),
                        "agent_id": item.agent_id,
                        "status": ExecutionStatus.SKIPPED.value,
                        "error": verdict.message,
                    },
                )
            )

    def write(self, session: Session, now: datetime) -> list[Event]:
        """Skip the waiting executions refused, remember what was said this period, and
        write the notices (after the claim's decisions, in its transaction)."""
        repo.skip_refused(session, self.refused, now, CODE)
        return self.events + self.notices.write(session, now)


def refused_slot(
    execution_id: uuid.UUID, row: DueSchedule, now: datetime, verdict: Verdict
) -> NewExecution:
    """The record of a claimed slot the budgets refused: skipped, saying why, no attempt."""
    return NewExecution(
        execution_id,
        row.id,
        row.user_id,
        row.agent_id,
        row.next_run_at,
        now,
        ExecutionStatus.SKIPPED,
        finished_at=now,
        error_message=verdict.message,
        error_code=CODE,
    )


def _least(current: int | None, value: int) -> int:
    value = max(0, value)
    return value if current is None else min(current, value)


def _refusal(tally: Tally, tokens: int, usd: float) -> str | None:
    rule = tally.rule
    if rule.max_tokens is not None:
        used = tally.used_tokens
        if used >= rule.max_tokens or used + tokens > rule.max_tokens:
            return (
                f"{describe(rule)} allows {rule.max_tokens:,} tokens; {tally.spent_tokens:,} "
                f"spent, {tally.reserved_tokens:,} held by runs going, and this run is "
                f"estimated at {tokens:,}"
            )
    if rule.max_usd is not None:
        used_usd = tally.used_usd
        if used_usd >= rule.max_usd or used_usd + usd > rule.max_usd:
            return (
                f"{describe(rule)} allows ${rule.max_usd:g}; ${tally.spent_usd:.4f} spent, "
                f"${tally.reserved_usd:.4f} held by runs going, and this run is estimated at "
                f"${usd:.4f}"
            )
    return None
