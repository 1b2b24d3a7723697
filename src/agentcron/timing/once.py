"""A single instant: fires once, then never again."""

from __future__ import annotations

from datetime import datetime

from agentcron.timing.spec import utc


class OnceTrigger:
    def __init__(self, run_at: datetime) -> None:
        self.run_at = utc(run_at)

    def next_after(self, instant: datetime) -> datetime | None:
        return self.run_at if self.run_at > utc(instant) else None

    def __repr__(self) -> str:
        return f"OnceTrigger({self.run_at.isoformat()!r})"
