"""What each claimed slot or waiting execution becomes (run, skip, or missed), decided inside
the claim transaction so the decision, the execution row and the schedule's next slot
commit together. The rules live in `slot_claims` (due schedules) and `pending_claims`
(waiting executions); the SQL lives in `store.claims`. This module runs one batch of both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agentcron.engine import chains
from agentcron.engine.claim_result import ClaimResult
from agentcron.engine.gates import Gates
from agentcron.engine.notices import Notices
from agentcron.engine.pending_claims import claim_pending
from agentcron.engine.slot_claims import claim_schedules
from agentcron.engine.slot_counts import count_slots
from agentcron.store import claims
from agentcron.store.database import Store


def claim_batch(
    store: Store,
    gates: Gates,
    now: datetime,
    limit: int,
    *,
    worker_id: str,
    lease: timedelta,
    notices: Notices,
    events: bool,
    members: chains.Members,
) -> ClaimResult:
    """Claim up to `limit`: due slots first, then waiting executions with the room left, in
    one transaction under this turn's gate; then count the slots not run."""
    gates.prepare(store, now)
    with store.write() as session:
        gate = gates.turn(session, now)
        result = claim_schedules(
            session,
            now,
            limit,
            worker_id=worker_id,
            lease=lease,
            notices=notices,
            events=events,
            gate=gate,
            members=members,
        )
        room = limit - (result.started + result.missed + result.skipped + result.held)
        if room > 0:
            pending = claim_pending(
                session,
                now,
                room,
                worker_id=worker_id,
                lease=lease,
                events=events,
                gate=gate,
            )
            result.merge(pending)
            if pending.started + pending.skipped + pending.held < room:
                result.horizon = (
                    claims.earliest_due(session),
                    claims.earliest_pending(session),
                )
    if result.to_count:
        # Counted after the claim committed: the database is free meanwhile.
        tallies = count_slots(result.to_count)
        with store.write() as session:
            claims.set_slot_tallies(session, tallies)
    return result
