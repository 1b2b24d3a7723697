"""Bulk actions: per-id results, all or nothing per id; a foreign or unknown id gets its own
problem while the others apply; ids or a filter, at most 500."""

from __future__ import annotations

import uuid

import pytest

from agentcron.errors import InvalidInput
from agentcron.service import ScheduleDraft
from agentcron.service.bulk import BulkService
from agentcron.service.models import ScheduledCommand, ScheduleFilter
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY = {"schedule_type": "cron", "cron_expression": "0 * * * *"}


def row(world: World, ident: str) -> ScheduledCommand:
    return world.schedule(uuid.UUID(ident))


def bulk(world: World) -> BulkService:
    return BulkService(world.services, world.schedules)


def make(world: World, command: str, tags: list[str] | None = None, **extra: object) -> str:
    world.clock.advance(seconds=1)  # created in order: the default sort shows it
    draft = ScheduleDraft(command_text=command, tags=tags, **HOURLY, **extra)  # type: ignore[arg-type]
    return str(world.schedules.create(world.user, draft).row.id)


async def test_mixed_ids_foreign_one_is_its_own_problem_and_the_others_apply(
    world: World,
) -> None:
    mine = [make(world, "@alice a"), make(world, "@alice b")]
    bea = world.users.create("bea", "UTC")
    theirs = str(
        world.schedules.create(bea, ScheduleDraft(command_text="@alice c", **HOURLY)).row.id  # type: ignore[arg-type]
    )
    unknown, garbage = str(uuid.uuid4()), "not-an-id"
    results = bulk(world).apply(
        world.user, "disable", ids=[mine[0], theirs, unknown, mine[1], garbage, mine[0]]
    )
    assert [(r.id, r.ok, r.status) for r in results] == [
        (mine[0], True, 200),
        (theirs, False, 404),
        (unknown, False, 404),
        (mine[1], True, 200),
        (garbage, False, 404),
    ]
    assert results[1].problem == f"no schedule {theirs}" and results[1].slug == "not-found"
    assert not any(row(world, i).enabled for i in mine)
    assert row(world, theirs).enabled  # another user's schedule is untouched


async def test_tag_untag_run_delete_and_enable(world: World) -> None:
    a, b = make(world, "@alice a", ["ops"]), make(world, "@alice b")
    assert all(r.ok for r in bulk(world).apply(world.user, "tag", ids=[a, b], tags=["Weekly"]))
    assert row(world, a).tags == ["ops", "weekly"] and row(world, b).tags == ["weekly"]
    bulk(world).apply(world.user, "untag", ids=[a, b], tags=["ops"])
    assert row(world, a).tags == ["weekly"]
    ran = bulk(world).apply(world.user, "run", ids=[a])
    assert ran[0].status == 202 and ran[0].execution_id is not None
    assert [e.trigger for e in world.executions(uuid.UUID(a))] == ["manual"]
    bulk(world).apply(world.user, "disable", ids=[a, b])
    assert all(r.ok for r in bulk(world).apply(world.user, "enable", ids=[a, b]))
    assert row(world, a).enabled
    deleted = bulk(world).apply(world.user, "delete", ids=[a])
    assert deleted[0].status == 204
    again = bulk(world).apply(world.user, "delete", ids=[a, b])
    assert [(r.ok, r.status) for r in again] == [(False, 404), (True, 204)]


async def test_tagging_beyond_ten_is_that_ids_problem(world: World) -> None:
    full = make(world, "@alice full", [f"t{n}" for n in range(10)])
    room = make(world, "@alice room")
    results = bulk(world).apply(world.user, "tag", ids=[full, room], tags=["extra"])
    assert [(r.ok, r.status) for r in results] == [(False, 422), (True, 200)]
    assert "11 tags" in (results[0].problem or "")
    assert row(world, full).tags == sorted(f"t{n}" for n in range(10))


async def test_a_filter_chooses_the_schedules(world: World) -> None:
    a = make(world, "@alice a", ["ops"])
    make(world, "@bob b", ["ops"])
    make(world, "@alice c")
    results = bulk(world).apply(
        world.user, "disable", where=ScheduleFilter(agent_id="alice", tags=("ops",))
    )
    assert [r.id for r in results] == [a]
    assert [s.row.command_text for s in world.schedules.list(world.user)[0] if s.row.enabled] == [
        "@bob b",
        "@alice c",
    ]


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"action": "paint", "ids": ["x"]}, ["action"]),
        ({"action": "disable"}, ["ids"]),
        ({"action": "disable", "ids": [], "where": ScheduleFilter()}, ["ids"]),
        ({"action": "disable", "ids": [str(n) for n in range(501)]}, ["ids"]),
        ({"action": "tag", "ids": ["x"]}, ["tags"]),
        ({"action": "tag", "ids": ["x"], "tags": ["a b"]}, ["tags"]),
        ({"action": "run", "ids": ["x"], "tags": ["a"]}, ["tags"]),
    ],
)
async def test_bad_requests_are_refused_naming_the_field(
    world: World, kwargs: dict[str, object], fields: list[str]
) -> None:
    kwargs = dict(kwargs)
    action = kwargs.pop("action")
    with pytest.raises(InvalidInput) as refused:
        bulk(world).apply(world.user, action, **kwargs)  # type: ignore[arg-type]
    assert [p.field for p in refused.value.problems] == fields
