"""Tags on schedules: a row per (schedule, tag) in `schedule_tags`, always reached through
the owner's schedules, so another user's tags do not exist here either."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from agentcron.store.tables import ScheduledCommand, ScheduleTag


def set_tags(row: ScheduledCommand, tags: Iterable[str]) -> None:
    """Make the schedule carry exactly `tags`: rows already there stay (re-inserting the same
    key in one flush would collide), missing ones are added, the rest go."""
    wanted = list(dict.fromkeys(tags))
    keep = [t for t in row.tag_rows if t.tag in wanted]
    have = {t.tag for t in keep}
    row.tag_rows = keep + [ScheduleTag(schedule_id=row.id, tag=t) for t in wanted if t not in have]
    row.tag_rows.sort(key=lambda t: t.tag)


def add_tags(row: ScheduledCommand, tags: Iterable[str]) -> None:
    set_tags(row, [*row.tags, *tags])


def remove_tags(row: ScheduledCommand, tags: Iterable[str]) -> None:
    gone = set(tags)
    set_tags(row, [t for t in row.tags if t not in gone])


def having_all(query: Select[ScheduledCommand], tags: Sequence[str]) -> Select[ScheduledCommand]:
    """Narrow a query on schedules to those carrying every one of `tags` (AND): one EXISTS
    per tag, the same SQL on SQLite and PostgreSQL. Correlated on the schedule, each is a
    probe of the primary key (schedule_id, tag) for the user's few schedules, so a tag many
    other users share costs nothing here."""
    for tag in dict.fromkeys(tags):
        query = query.where(
            exists().where(ScheduleTag.schedule_id == ScheduledCommand.id, ScheduleTag.tag == tag)
        )
    return query


def counts(session: Session, user_id: uuid.UUID) -> list[tuple[str, int]]:
    """The user's tags with how many of their schedules carry each, by name."""
    rows = session.execute(
        select(ScheduleTag.tag, func.count())
        .join(ScheduledCommand, ScheduledCommand.id == ScheduleTag.schedule_id)
        .where(ScheduledCommand.user_id == user_id)
        .group_by(ScheduleTag.tag)
        .order_by(ScheduleTag.tag)
    )
    return [(tag, int(count)) for tag, count in rows]
