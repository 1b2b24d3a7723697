"""Per-agent limits from the agents file: how many runs of one agent may be in flight at once
(`max_concurrency`, across every instance) and how many may start in any minute
(`rate_per_minute`). They are common keys, beside `name` and `backend`, valid for every
backend; the engine enforces them in its claim transaction (`engine.gates`).

    [agents.alice]
    backend = "webhook"
    url = "http://127.0.0.1:9000/agent"
    max_concurrency = 50       # at most 50 runs of @alice in flight, all instances together
    rate_per_minute = 600      # at most 600 starts of @alice in any 60 seconds
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LIMIT_KEYS = ("max_concurrency", "rate_per_minute")
LIMIT_MAX = 1_000_000


@dataclass(frozen=True, slots=True)
class AgentLimits:
    """None: no limit of that kind."""

    max_concurrency: int | None = None
    rate_per_minute: int | None = None

    @property
    def any(self) -> bool:
        return self.max_concurrency is not None or self.rate_per_minute is not None


NO_LIMITS = AgentLimits()


def parse_limits(table: dict[str, Any], where: str, problems: list[str]) -> AgentLimits:
    """The limits in one `[agents.<handle>]` table; each bad value adds a line to `problems`
    saying what is allowed."""
    values: dict[str, int | None] = {}
    for key in LIMIT_KEYS:
        value = table.get(key)
        if value is None:
            values[key] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LIMIT_MAX:
            problems.append(
                f"{where} {key} must be a whole number from 1 to {LIMIT_MAX:,} "
                f"(leave it out for no limit), not {value!r}"
            )
        else:
            values[key] = value
    return AgentLimits(values.get("max_concurrency"), values.get("rate_per_minute"))
