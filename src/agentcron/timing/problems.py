"""What went wrong with a schedule, said so a person can fix it.

Timing imports nothing of ours, so its error type lives here; the layers above
re-raise it as `agentcron.errors.InvalidInput` without losing a field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad field: which, what is wrong, and how to fix it."""

    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


class InvalidSchedule(ValueError):
    """A schedule spec that cannot be saved; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
