"""Backfilled executions wait their turn. A backfill queues one pending execution per past
slot; under the schedule's `overlap: skip` they run one after another, oldest first, rather
than each being skipped because the one before it is still running. So a backfilled
execution whose schedule is busy (or whose older sibling starts in this same claim) is held
back a few seconds, keeping its place in the queue; under `overlap: allow` they all start."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agentcron.store import claims
from agentcron.store.records import PendingExecution
from agentcron.store.tables import ExecutionTrigger, Overlap

WAIT = timedelta(seconds=5)


def hold_back(
    session: Session,
    pending: Sequence[PendingExecution],
    busy: set[uuid.UUID],
    now: datetime,
) -> list[PendingExecution]:
    """The pending executions to decide on now; backfills that must wait are moved to
    `now + WAIT` (a microsecond apart, so their order holds) and left out."""
    kept: list[PendingExecution] = []
    held: list[uuid.UUID] = []
    starting: set[uuid.UUID] = set()
    for item in pending:
        sequential = item.attempt == 0 and item.overlap == Overlap.SKIP.value
        if item.trigger == ExecutionTrigger.BACKFILL.value and sequential:
            if item.schedule_id in busy or item.schedule_id in starting:
                held.append(item.id)
                continue
            starting.add(item.schedule_id)
        kept.append(item)
    if held:
        claims.defer_pending(
            session,
            [(ident, now + WAIT + timedelta(microseconds=n)) for n, ident in enumerate(held)],
        )
    return kept
