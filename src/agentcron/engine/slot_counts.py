"""Slots not run (missed, or folded into a late run) stand as one execution row each; how
many slots that row stands for is counted after the claim commits, outside the write lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from agentcron.store.records import SlotTally
from agentcron.timing import Trigger
from agentcron.timing.counting import count_fires

MISSED_COUNT_CAP = 100_000


@dataclass(frozen=True, slots=True)
class SlotCount:
    """Slots in (after, until] of one schedule that one execution row stands for."""

    execution_id: uuid.UUID
    trigger: Trigger
    after: datetime
    until: datetime
    message: str  # with {count} and {first} to fill in


def count_slots(items: list[SlotCount]) -> list[SlotTally]:
    """Count the slots each record stands for. Arithmetic per day, but for many schedules
    after a long downtime still worth doing outside the claim's transaction."""
    tallies = []
    for item in items:
        count = count_fires(item.trigger, item.after, item.until, MISSED_COUNT_CAP)
        first = item.trigger.next_after(item.after)
        tallies.append(
            SlotTally(
                item.execution_id,
                count,
                item.message.format(
                    count=f"{count:,}" + ("+" if count >= MISSED_COUNT_CAP else ""),
                    first=first.isoformat() if first else "?",
                ),
            )
        )
    return tallies
