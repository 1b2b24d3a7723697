"""Keeps execution history bounded: the last N per schedule and/or D days (settings; 0 means
keep). Runs beside the fire loop in small batches, yielding between them, so pruning a
large backlog never holds the database for long."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from agentcron.config import Settings
from agentcron.store import retention
from agentcron.store.database import Store

log = logging.getLogger(__name__)
BATCH = 500


def prune_once(store: Store, settings: Settings, now: datetime, *, batch: int = BATCH) -> int:
    """One batch of each rule; returns how many executions were removed."""
    removed = 0
    if settings.retention_days:
        cutoff = now - timedelta(days=settings.retention_days)
        with store.write() as session:
            removed += retention.roll_up_and_delete(
                session, retention.older_than(session, cutoff, batch)
            )
    if settings.retention_per_schedule:
        with store.write() as session:
            removed += retention.roll_up_and_delete(
                session, retention.beyond_last(session, settings.retention_per_schedule, batch)
            )
    return removed


async def prune(store: Store, settings: Settings, now: datetime, *, batch: int = BATCH) -> int:
    """Prune until nothing is left to prune, one short transaction at a time."""
    total = 0
    while True:
        removed = await asyncio.to_thread(prune_once, store, settings, now, batch=batch)
        total += removed
        if removed == 0:
            break
        await asyncio.sleep(0)  # let claims and outcome writes in between
    if total:
        log.info("pruned %d execution(s) from history", total)
    return total
