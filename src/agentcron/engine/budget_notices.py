"""What the budgets tell their owners, decided at claim (engine/budgets.py) and written in
the claim's transaction after its decisions.

Reaching a limit (a refusal) writes one `budget_exhausted` notice per budget and period;
spend at or past `warn_at` of a limit writes one `budget_warning` per period. Which period
was last warned about or exhausted is kept on the budget's row, so every instance agrees
that a notice went out.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine.budget_spend import Tally
from agentcron.engine.notices import targets
from agentcron.store import budgets as repo
from agentcron.store import outbox
from agentcron.store.records import NewNotice
from agentcron.store.tables import NoticeEvent

Event = tuple[str, str, dict[str, Any]]


@dataclass
class BudgetNotices:
    """What one claim batch's budgets have to say, and which periods it was said for."""

    marks: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)
    notices: list[tuple[NoticeEvent, repo.BudgetRule, uuid.UUID, str]] = field(default_factory=list)

    def exhausted(
        self, rule: repo.BudgetRule, key: str, schedule_id: uuid.UUID, refusal: str
    ) -> repo.BudgetRule | None:
        """A refusal by `rule` in period `key`: the first says so. Returns the rule marked
        for the period when this was the first (the caller keeps it from then on)."""
        if rule.exhausted_for == key:
            return None
        self.marks.append((rule.id, "exhausted_for", key))
        self.notices.append((NoticeEvent.BUDGET_EXHAUSTED, rule, schedule_id, refusal))
        return _replace(rule, exhausted_for=key)

    def warn_ahead(
        self,
        rules: Iterable[repo.BudgetRule],
        tallies: dict[uuid.UUID, Tally],
        schedule_id: uuid.UUID,
        agent: str,
    ) -> list[repo.BudgetRule]:
        """A run admitted whose estimate takes a budget to `warn_at` warns now, once per
        period: waiting for its spend to be seen at a later claim could mean the next
        period's, and a daily schedule under a daily budget would never be warned. Returns
        the rules marked as warned for their period (the caller keeps them from then on)."""
        warned: list[repo.BudgetRule] = []
        for rule in rules:
            tally = tallies.get(rule.id)
            if tally is None or not rule.covers(schedule_id, agent):
                continue
            share = tally.share(projected=True)
            if share is None or share < rule.warn_at or self._said(rule, tally.key):
                continue
            self.marks.append((rule.id, "warned_for", tally.key))
            self.notices.append(
                (
                    NoticeEvent.BUDGET_WARNING,
                    rule,
                    schedule_id,
                    f"{describe(rule)} is {int((tally.share() or 0) * 100)}% spent "
                    f"({_spend(tally)}); runs going now are expected to bring it to "
                    f"{int(share * 100)}%",
                )
            )
            warned.append(_replace(rule, warned_for=tally.key))
        return warned

    def warn_spent(self, tallies: Iterable[Tally], claimed: set[uuid.UUID]) -> None:
        """Budgets already spent to `warn_at`. A notice names a schedule only when it is one
        of this claim's (its row is held here already): writing a reference to another
        would wait for that schedule's row while this claim holds its owners' budgets."""
        for tally in tallies:
            rule = tally.rule
            if self._said(rule, tally.key):
                continue
            share = tally.share()
            if share is not None and share >= rule.warn_at:
                self.marks.append((rule.id, "warned_for", tally.key))
                pct = int(share * 100)
                self.notices.append(
                    (
                        NoticeEvent.BUDGET_WARNING,
                        rule,
                        rule.schedule_id if rule.schedule_id in claimed else uuid.UUID(int=0),
                        f"{describe(rule)} is {pct}% spent ({_spend(tally)})",
                    )
                )

    def _said(self, rule: repo.BudgetRule, key: str) -> bool:
        """Warned for this period already: on the row, or earlier in this batch (a rule
        loaded before the batch's first warning still carries the old mark)."""
        return rule.warned_for == key or (rule.id, "warned_for", key) in self.marks

    def write(self, session: Session, now: datetime) -> list[Event]:
        """Remember what was said this period, and write the notices; returns their events."""
        repo.mark(session, self.marks)
        if not self.notices:
            return []
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
                    title=f"{head}: {describe(rule)}"[:300],
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
        return [
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


def describe(rule: repo.BudgetRule) -> str:
    """A budget as its owner reads it in a refusal or a notice: "your daily budget"."""
    period = {"day": "daily", "month": "monthly", "run": "per-run"}[rule.period]
    if rule.scope == "schedule":
        return f"the {period} budget of schedule {str(rule.schedule_id)[:8]}"
    if rule.scope == "agent":
        return f"the {period} budget of @{rule.agent_id}"
    return f"your {period} budget"


def _spend(tally: Tally) -> str:
    rule = tally.rule
    parts = []
    if rule.max_tokens is not None:
        parts.append(f"{tally.spent_tokens:,} of {rule.max_tokens:,} tokens")
    if rule.max_usd is not None:
        parts.append(f"${tally.spent_usd:.4f} of ${rule.max_usd:g}")
    return ", ".join(parts)


def _replace(rule: repo.BudgetRule, **changes: Any) -> repo.BudgetRule:
    values = {name: getattr(rule, name) for name in rule.__slots__}
    values.update(changes)
    return repo.BudgetRule(**values)
