"""Budgets at claim: whether a run may start, and how many tokens it may spend, decided in
the claim's transaction (ARCHITECTURE.md, invariant 10).

A run is refused (recorded `skipped`, code `budget_exhausted`, no agent call, no retry)
when, for any budget that covers it, what was spent in the period + what the runs still
going are expected to spend + this run's estimate would pass the limit, or the limit is
already reached. The estimate of a run is its per-run cap (a budget with period `run`),
else the 90th percentile of its schedule's last 10 runs (0 for a schedule that never ran).
Periods are UTC calendar days and months, by the slot's instant, so every instance agrees.

A run admitted is handed the tokens it may still spend (the smallest of what each token
budget leaves and the per-run caps): llm agents stop there, failing with `budget_exceeded`.

Costs: users without budgets pay one tiny query per claim transaction (`any_budgets`);
owners with budgets pay a few sums per budget per claim batch. On PostgreSQL the owners'
budget rows are locked for the claim, so two instances cannot both pass a check: the second
waits, then sees the first one's runs as running.

Notices: reaching a limit (a refusal) writes one `budget_exhausted` notice per budget and
period; spend at or past `warn_at` of a limit writes one `budget_warning` per period.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine.notices import targets
from agentcron.store import budgets as repo
from agentcron.store import outbox
from agentcron.store.records import DueSchedule, NewExecution, NewNotice, PendingExecution
from agentcron.store.tables import BudgetPeriod, ExecutionStatus, NoticeEvent

CODE = "budget_exhausted"
ESTIMATE_RUNS = 10
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


@dataclass(slots=True)
class _Tally:
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
    tallies: dict[uuid.UUID, _Tally] = field(default_factory=dict)
    estimates: dict[uuid.UUID, tuple[int, float]] = field(default_factory=dict)
    marks: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)
    notices: list[tuple[NoticeEvent, repo.BudgetRule, uuid.UUID, str]] = field(default_factory=list)
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
        history = repo.recent_spend(session, schedules, ESTIMATE_RUNS)
        for sid in schedules:
            gate.estimates[sid] = _p90(history.get(sid, []))
        for user, user_rules in gate.rules.items():
            for rule in user_rules:
                if rule.period == BudgetPeriod.RUN.value:
                    continue
                start, end, key = period_of(rule.period, now)
                tokens, usd = repo.spent(session, rule, start, end)
                gate.tallies[rule.id] = _Tally(rule, tokens, usd, key=key)
            for owner, sid, agent in going:
                if owner == user:
                    gate._hold(user, sid, agent)
        gate._warn_where_due({sid for _, sid, _ in runs})
        return gate

    def _estimate(self, user: uuid.UUID, schedule_id: uuid.UUID, agent: str) -> tuple[int, float]:
        caps = [
            r
            for r in self.rules.get(user, ())
            if r.period == BudgetPeriod.RUN.value and r.covers(schedule_id, agent)
        ]
        tokens, usd = self.estimates.get(schedule_id, (0, 0.0))
        token_caps = [r.max_tokens for r in caps if r.max_tokens is not None]
        usd_caps = [r.max_usd for r in caps if r.max_usd is not None]
        return (
            min(token_caps) if token_caps else tokens,
            min(usd_caps) if usd_caps else usd,
        )

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
                if rule.exhausted_for != tally.key:
                    self.marks.append((rule.id, "exhausted_for", tally.key))
                    self.notices.append((NoticeEvent.BUDGET_EXHAUSTED, rule, schedule_id, refusal))
                    rule = _replace(rule, exhausted_for=tally.key)
                    self._swap(rule)
                return Verdict(False, message=f"skipped: {CODE}: {refusal}")
            if rule.max_tokens is not None:
                allowance = _least(allowance, rule.max_tokens - tally.used_tokens)
        self._hold(user, schedule_id, agent)
        self._warn_ahead(user, schedule_id, agent)
        return Verdict(True, allowance=allowance)

    def _warn_ahead(self, user: uuid.UUID, schedule_id: uuid.UUID, agent: str) -> None:
        """A run admitted whose estimate takes a budget to `warn_at` warns now, once per
        period: waiting for its spend to be seen at a later claim could mean the next
        period's, and a daily schedule under a daily budget would never be warned."""
        for rule in self.rules.get(user, ()):
            tally = self.tallies.get(rule.id)
            if tally is None or not rule.covers(schedule_id, agent):
                continue
            share = _share(tally, projected=True)
            if share is None or share < rule.warn_at or rule.warned_for == tally.key:
                continue
            self.marks.append((rule.id, "warned_for", tally.key))
            self.notices.append(
                (
                    NoticeEvent.BUDGET_WARNING,
                    rule,
                    schedule_id,
                    f"{_name(rule)} is {int((_share(tally) or 0) * 100)}% spent "
                    f"({_spend(tally)}); runs going now are expected to bring it to "
                    f"{int(share * 100)}%",
                )
            )
            self._swap(_replace(rule, warned_for=tally.key))

    def _swap(self, rule: repo.BudgetRule) -> None:
        self.rules[rule.user_id] = [
            rule if r.id == rule.id else r for r in self.rules[rule.user_id]
        ]
        self.tallies[rule.id].rule = rule

    def _warn_where_due(self, claimed: set[uuid.UUID]) -> None:
        """Budgets already spent to `warn_at`. A notice names a schedule only when it is one
        of this claim's (its row is held here already): writing a reference to another
        would wait for that schedule's row while this claim holds its owners' budgets."""
        for tally in self.tallies.values():
            rule = tally.rule
            if rule.warned_for == tally.key:
                continue
            share = _share(tally)
            if share is not None and share >= rule.warn_at:
                self.marks.append((rule.id, "warned_for", tally.key))
                pct = int(share * 100)
                self.notices.append(
                    (
                        NoticeEvent.BUDGET_WARNING,
                        rule,
                        rule.schedule_id if rule.schedule_id in claimed else uuid.UUID(int=0),
                        f"{_name(rule)} is {pct}% spent ({_spend(tally)})",
                    )
                )

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
        repo.mark(session, self.marks)
        if not self.notices:
            return self.events
        users = {rule.user_id for _, rule, _, _ in self.notices}
        rules: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for channel in outbox.channel_rules(session, users):
            rules[channel.user_id].append(channel)
        subjects = repo.subjects(session, {sid for _, _, sid, _ in self.notices})
        written: list[NewNotice] = []
        for event, rule, sid, text in self.notices:
            subject = subjects.get(sid)
            if subject is not None:
                channel_ids, bell = targets(event, subject, rules.get(rule.user_id, ()))
            else:  # a user-wide warning: every channel that asked for the event
                channel_ids = tuple(
                    r.id for r in rules.get(rule.user_id, ()) if event.value in r.events
                )
                bell = True
            if not channel_ids and not bell:
                continue
            head = "Budget warning" if event is NoticeEvent.BUDGET_WARNING else "Budget exhausted"
            written.append(
                NewNotice(
                    id=uuid.uuid4(),
                    user_id=rule.user_id,
                    schedule_id=subject.id if subject is not None else None,
                    execution_id=None,
                    event=event.value,
                    title=f"{head}: {_name(rule)}"[:300],
                    message=text,
                    payload={
                        "event": event.value,
                        "budget_id": str(rule.id),
                        "scope": rule.scope,
                        "period": rule.period,
                        "max_tokens": rule.max_tokens,
                        "max_usd": rule.max_usd,
                        "schedule_id": str(subject.id) if subject is not None else None,
                        "at": now.isoformat(),
                    },
                    created_at=now,
                    channel_ids=channel_ids,
                )
            )
        outbox.insert_notices(session, written)
        return self.events + [
            (
                "notification.created",
                str(n.user_id),
                {
                    "notice_id": str(n.id),
                    "event": n.event,
                    "schedule_id": str(n.schedule_id) if n.schedule_id else None,
                    "execution_id": None,
                    "title": n.title,
                    "deliveries": len(n.channel_ids),
                },
            )
            for n in written
        ]


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


def _refusal(tally: _Tally, tokens: int, usd: float) -> str | None:
    rule = tally.rule
    if rule.max_tokens is not None:
        used = tally.used_tokens
        if used >= rule.max_tokens or used + tokens > rule.max_tokens:
            return (
                f"{_name(rule)} allows {rule.max_tokens:,} tokens; {tally.spent_tokens:,} spent, "
                f"{tally.reserved_tokens:,} held by runs going, and this run is estimated at "
                f"{tokens:,}"
            )
    if rule.max_usd is not None:
        used_usd = tally.used_usd
        if used_usd >= rule.max_usd or used_usd + usd > rule.max_usd:
            return (
                f"{_name(rule)} allows ${rule.max_usd:g}; ${tally.spent_usd:.4f} spent, "
                f"${tally.reserved_usd:.4f} held by runs going, and this run is estimated at "
                f"${usd:.4f}"
            )
    return None


def _share(tally: _Tally, *, projected: bool = False) -> float | None:
    """How much of the budget is spent (or, projected, spent and held by runs going)."""
    rule = tally.rule
    tokens = tally.used_tokens if projected else tally.spent_tokens
    usd = tally.used_usd if projected else tally.spent_usd
    shares = []
    if rule.max_tokens:
        shares.append(tokens / rule.max_tokens)
    if rule.max_usd:
        shares.append(usd / rule.max_usd)
    return max(shares) if shares else None


def _spend(tally: _Tally) -> str:
    rule = tally.rule
    parts = []
    if rule.max_tokens is not None:
        parts.append(f"{tally.spent_tokens:,} of {rule.max_tokens:,} tokens")
    if rule.max_usd is not None:
        parts.append(f"${tally.spent_usd:.4f} of ${rule.max_usd:g}")
    return ", ".join(parts)


def _name(rule: repo.BudgetRule) -> str:
    period = {"day": "daily", "month": "monthly", "run": "per-run"}[rule.period]
    if rule.scope == "schedule":
        return f"the {period} budget of schedule {str(rule.schedule_id)[:8]}"
    if rule.scope == "agent":
        return f"the {period} budget of @{rule.agent_id}"
    return f"your {period} budget"


def _replace(rule: repo.BudgetRule, **changes: Any) -> repo.BudgetRule:
    values = {name: getattr(rule, name) for name in rule.__slots__}
    values.update(changes)
    return repo.BudgetRule(**values)


def _p90(history: list[tuple[int, float | None]]) -> tuple[int, float]:
    """The 90th percentile (nearest rank) of recent tokens and known costs."""
    if not history:
        return 0, 0.0
    tokens = sorted(t for t, _ in history)
    costs = sorted(c for _, c in history if c is not None)

    def rank(values: list[Any]) -> Any:
        return values[max(0, -(-9 * len(values) // 10) - 1)]

    return int(rank(tokens)), float(rank(costs)) if costs else 0.0
