"""What the schedules list shows live: which of these schedules have a run going now."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from agentcron.store.claims import in_state
from agentcron.store.tables import Execution, ExecutionStatus


def running(
    session: Session, user_id: uuid.UUID, schedule_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """The schedules (of these, the user's) with an execution running now; a page's worth,
    found through the small partial index of running rows."""
    if not schedule_ids:
        return set()
    return set(
        session.scalars(
            select(Execution.schedule_id)
            .where(
                in_state(ExecutionStatus.RUNNING),  # literal, so the partial index serves
                Execution.user_id == user_id,
                Execution.schedule_id.in_(list(schedule_ids)),
            )
            .distinct()
        )
    )
