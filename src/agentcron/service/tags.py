"""Tag rules, once: what a tag may look like and how many a schedule carries, and the
user's tags with their counts. Create, update, filters, bulk and templates all call
`normal_tags`, so a tag accepted in one place is accepted everywhere."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agentcron.errors import InvalidInput, Problem
from agentcron.service.context import Services
from agentcron.store import activity
from agentcron.store import tags as repo
from agentcron.store.tables import User

MAX_TAGS = 10
TAG_MAX_LEN = 32
TAG = re.compile(r"[a-z0-9][a-z0-9_-]*")
TAG_FIX = 'lower-case letters, digits, "-" or "_", e.g. "ops"'


def normal_tags(values: Iterable[object] | None, field: str, problems: list[Problem]) -> list[str]:
    """Tags as stored: trimmed, lower-cased, each once, in the order given. A tag that is not
    one word, or more than MAX_TAGS of them, is a problem naming `field`."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            problems.append(Problem(field, f"{value!r} is not a tag", TAG_FIX))
            continue
        tag = value.strip().lower()
        if len(tag) > TAG_MAX_LEN:
            problems.append(
                Problem(
                    field,
                    f"{tag[:40]!r} is {len(tag)} characters long",
                    f"keep tags under {TAG_MAX_LEN + 1}",
                )
            )
        elif not TAG.fullmatch(tag):
            problems.append(Problem(field, f"{value[:40]!r} is not a tag", TAG_FIX))
        elif tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        problems.append(
            Problem(field, f"has {len(out)} tags", f"a schedule carries at most {MAX_TAGS}")
        )
    return out


def checked_tags(values: Iterable[object] | None, field: str = "tags") -> list[str]:
    problems: list[Problem] = []
    tags = normal_tags(values, field, problems)
    if problems:
        raise InvalidInput(problems)
    return tags


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: str
    count: int


class TagService:
    """The user's tags, and what the list shows beside them."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def counts(self, user: User) -> list[TagCount]:
        """Every tag on the user's schedules, by name, with how many schedules carry it."""
        with self.s.store.read() as session:
            return [TagCount(tag, count) for tag, count in repo.counts(session, user.id)]

    def running(self, user: User, schedule_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these schedules have a run going now (the list's live "running")."""
        with self.s.store.read() as session:
            return activity.running(session, user.id, schedule_ids)
