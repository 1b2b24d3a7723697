"""The facts of a sentence's clauses by kind, ready for the assembler.

At most one fact of each kind: two times of day, two day phrases or two zones are
a contradiction, refused rather than merged. Some clauses say two things and are
split here: "every other friday" is a two-week repetition and a day,
"during business hours" a window and Monday to Friday (a day phrase said
elsewhere in the sentence wins over the implied one).
"""

from __future__ import annotations

from typing import TypeVar

from agentcron.timing.language.facts import (
    CalendarDate,
    Clause,
    Count,
    Daily,
    Every,
    EveryMonths,
    ExceptDays,
    Fact,
    HourWindow,
    MinuteMark,
    MonthDays,
    Monthly,
    Months,
    NthWeekdays,
    Offset,
    OnceOnly,
    PartOfDay,
    Quarterly,
    RelativeDay,
    Start,
    Times,
    Unsupported,
    Weekdays,
    Weekly,
    WeeksApart,
    Yearly,
    Zone,
)

DEFAULT_EXAMPLE = "every weekday at 9am"
_F = TypeVar("_F", bound=Fact)
NAMES: dict[type, str] = {
    Times: "times of day",
    ExceptDays: "exceptions",
    Start: "starting times",
    MinuteMark: "minutes past the hour",
    PartOfDay: "parts of the day",
    Every: "repetitions",
    EveryMonths: "repetitions",
    Daily: "daily phrases",
    Weekly: "weekly phrases",
    Monthly: "monthly phrases",
    Yearly: "yearly phrases",
    Quarterly: "quarterly phrases",
    Count: "counts",
    Weekdays: "day-of-week phrases",
    HourWindow: "hour windows",
    MonthDays: "days of the month",
    NthWeekdays: "weekdays of the month",
    Months: "month phrases",
    CalendarDate: "dates",
    RelativeDay: "days",
    Offset: "delays",
    OnceOnly: "one-off words",
    Zone: "time zones",
}


class Refusal(ValueError):
    """Why the clauses make no schedule, and a timing phrase that would."""

    def __init__(self, reason: str, example: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.example = example


def _split(fact: Fact) -> list[tuple[Fact, bool]]:
    """(fact, implied) pairs a clause's fact stands for."""
    if isinstance(fact, WeeksApart):
        every = Every(7 * fact.weeks, "days", note=fact.note)
        return [(every, False), (Weekdays(fact.days, True, fact.period), False)]
    if isinstance(fact, HourWindow) and fact.days is not None:
        return [(HourWindow(fact.first, fact.last), False), (Weekdays(fact.days, True), True)]
    return [(fact, False)]


class FactSet:
    """The clauses by kind; at most one of each kind."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses = sorted(clauses, key=lambda c: c.start)
        self.by_kind: dict[type, Clause] = {}
        self.implied: set[type] = set()
        self.notes: list[str] = []
        for clause in self.clauses:
            if isinstance(clause.fact, Unsupported):
                raise Refusal(clause.fact.reason, clause.fact.example)
            for fact, implied in _split(clause.fact):
                self._add(Clause(clause.start, clause.end, clause.text, fact), implied=implied)
        self._merge_days()
        self.kinds = set(self.by_kind) - {Zone}
        for kind in (Zone, Every):
            note = getattr(self.get(kind), "note", None)
            if isinstance(note, str):
                self.notes.append(note)

    def _merge_days(self) -> None:
        """ "every morning on weekdays" is weekdays in the morning; "every day at noon except
        sundays" is Monday to Saturday. "Every day ... on mondays" stays a contradiction."""
        daily, days = self.get(Daily), self.get(Weekdays)
        if daily and days and (daily.period is not None or len(days.days) > 1):
            merged = Weekdays(days.days, True, days.period or daily.period)
            self._replace(Weekdays, merged)
            del self.by_kind[Daily]
        exception = self.get(ExceptDays)
        if exception is None:
            return
        days, daily = self.get(Weekdays), self.get(Daily)
        if days is not None:
            self._replace(ExceptDays, Weekdays(days.days & exception.days, True, days.period))
            del self.by_kind[Weekdays]
        elif daily is not None:
            self._replace(ExceptDays, Weekdays(exception.days, True, daily.period))
            del self.by_kind[Daily]
        elif Every in self.by_kind or Times in self.by_kind:
            self._replace(ExceptDays, Weekdays(exception.days, True))
        else:
            return
        self.by_kind[Weekdays] = self.by_kind.pop(ExceptDays)

    def _replace(self, kind: type, fact: Fact) -> None:
        held = self.by_kind[kind]
        self.by_kind[kind] = Clause(held.start, held.end, held.text, fact)

    def _add(self, clause: Clause, *, implied: bool) -> None:
        kind = type(clause.fact)
        held = self.by_kind.get(kind)
        if held is not None:
            if implied:
                return
            if kind in self.implied:
                self.implied.discard(kind)
            elif (
                isinstance(held.fact, Zone) and getattr(clause.fact, "name", None) == held.fact.name
            ):
                return  # "9am PT (Pacific time)": one zone said twice
            else:
                raise Refusal(
                    f'two {NAMES[kind]}: "{held.text}" and "{clause.text}"; one schedule takes one',
                    DEFAULT_EXAMPLE,
                )
        if implied:
            self.implied.add(kind)
        self.by_kind[kind] = clause

    def get(self, kind: type[_F]) -> _F | None:
        clause = self.by_kind.get(kind)
        return clause.fact if clause is not None and isinstance(clause.fact, kind) else None

    def text(self, kind: type) -> str:
        return self.by_kind[kind].text

    def first(self, *kinds: type) -> type | None:
        """Of `kinds`, the one said first in the sentence."""
        present = [k for k in kinds if k in self.kinds]
        return min(present, key=lambda k: self.by_kind[k].start) if present else None

    def only(self, allowed: set[type], main: type, example: str) -> None:
        extra = sorted(self.kinds - allowed, key=lambda k: self.by_kind[k].start)
        if extra:
            raise Refusal(f'"{self.text(extra[0])}" does not go with "{self.text(main)}"', example)

    def phrase(self, replace: dict[type, str] | None = None, *, zone: bool = True) -> str:
        """The sentence's timing phrase, in its order, with some clauses said differently."""
        replace = replace or {}
        out: list[str] = []
        seen: set[int] = set()
        for clause in self.clauses:
            if clause.start in seen or (isinstance(clause.fact, Zone) and not zone):
                continue
            seen.add(clause.start)
            said = next(
                (replace[type(f)] for f, _ in _split(clause.fact) if type(f) in replace), None
            )
            out.append(clause.text if said is None else said)
        return " ".join(part for part in out if part)
