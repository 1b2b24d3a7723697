"""How a group schedule's slot reads as one: a command to @category runs once per member
agent at each slot, and people want one answer per slot ("all succeeded", "1 of 3
failed") before they look at the rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

FAILING = ("failed", "timed_out")
WAITING = ("pending", "running")


class SlotRow(Protocol):
    @property
    def scheduled_for(self) -> datetime: ...

    @property
    def status(self) -> str: ...

    @property
    def agent_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class GroupSlot:
    scheduled_for: datetime
    members: int
    succeeded: int
    failed: int
    waiting: int
    text: str
    tone: str  # success, failed, running or skipped: the badge it shows as


def combined(rows: Sequence[SlotRow]) -> GroupSlot | None:
    """The newest slot among these rows (newest first, as history lists them), as one."""
    if not rows:
        return None
    slot = rows[0].scheduled_for
    same = [r for r in rows if r.scheduled_for == slot]
    total = len(same)
    succeeded = sum(r.status == "success" for r in same)
    failed = sum(r.status in FAILING for r in same)
    waiting = sum(r.status in WAITING for r in same)
    if waiting:
        text, tone = f"{waiting} of {total} still running", "running"
    elif succeeded == total:
        text, tone = "all succeeded" if total > 1 else "succeeded", "success"
    elif failed:
        text, tone = f"{failed} of {total} failed", "failed"
    else:
        text, tone = f"{succeeded} of {total} succeeded", "skipped"
    return GroupSlot(slot, total, succeeded, failed, waiting, text, tone)
