"""Tags: stored as given (lower-cased, once each), filtered with AND and combined with the
agent, state and search filters, counted per user; bad tags are 422s naming the field."""

from __future__ import annotations

import pytest

from agentcron.errors import InvalidInput
from agentcron.service import ScheduleDraft
from agentcron.service.models import ScheduleFilter
from agentcron.service.tags import TagService
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY = {"schedule_type": "cron", "cron_expression": "0 * * * *"}


def make(world: World, command: str, tags: list[str], **extra: object) -> str:
    world.clock.advance(seconds=1)  # created in order: the default sort shows it
    draft = ScheduleDraft(command_text=command, tags=tags, **HOURLY, **extra)  # type: ignore[arg-type]
    return str(world.schedules.create(world.user, draft).row.id)


def commands(world: World, **where: object) -> list[str]:
    views, total = world.schedules.list(world.user, ScheduleFilter(**where))  # type: ignore[arg-type]
    assert total == len(views)
    return [v.row.command_text for v in views]


async def test_tags_are_kept_normalised_and_filter_with_and(world: World) -> None:
    sid = make(world, "@alice check billing", [" Ops", "weekly", "ops"])
    assert world.schedules.get(world.user, sid).row.tags == ["ops", "weekly"]
    make(world, "@bob check billing", ["ops"])
    make(world, "@alice check search", ["ops", "daily"], enabled=False)
    make(world, "@alice tidy up", [])
    assert commands(world, tags=("ops",)) == [
        "@alice check billing",
        "@bob check billing",
        "@alice check search",
    ]
    assert commands(world, tags=("ops", "weekly")) == ["@alice check billing"]
    assert commands(world, tags=("ops", "nope")) == []
    assert commands(world, tags=("ops",), agent_id="alice") == [
        "@alice check billing",
        "@alice check search",
    ]
    assert commands(world, tags=("ops",), enabled=False) == ["@alice check search"]
    assert commands(world, tags=("ops",), search="billing") == [
        "@alice check billing",
        "@bob check billing",
    ]
    assert commands(world, tags=("OPS",), search="billing", agent_id="@bob") == [
        "@bob check billing"
    ]


async def test_update_replaces_tags_only_when_given(world: World) -> None:
    sid = make(world, "@alice check billing", ["ops"])
    world.schedules.update(world.user, sid, ScheduleDraft(description="kept"))
    assert world.schedules.get(world.user, sid).row.tags == ["ops"]
    world.schedules.update(world.user, sid, ScheduleDraft(tags=["weekly", "ops"]))
    assert world.schedules.get(world.user, sid).row.tags == ["ops", "weekly"]
    world.schedules.update(world.user, sid, ScheduleDraft(tags=[]))
    assert world.schedules.get(world.user, sid).row.tags == []


async def test_tag_counts_are_the_users_own(world: World) -> None:
    make(world, "@alice a", ["ops", "weekly"])
    make(world, "@alice b", ["ops"])
    other = world.users.create("bea", "UTC")
    world.schedules.create(other, ScheduleDraft(command_text="@alice c", tags=["secret"], **HOURLY))  # type: ignore[arg-type]
    counts = TagService(world.services).counts(world.user)
    assert [(c.tag, c.count) for c in counts] == [("ops", 2), ("weekly", 1)]
    assert commands(world, tags=("secret",)) == []


async def test_deleting_a_schedule_takes_its_tags(world: World) -> None:
    sid = make(world, "@alice a", ["ops"])
    world.schedules.delete(world.user, sid)
    assert TagService(world.services).counts(world.user) == []


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["two words"], "is not a tag"),
        (["x" * 40], "characters long"),
        ([f"t{n}" for n in range(11)], "has 11 tags"),
        (["ünicode"], "is not a tag"),
    ],
)
async def test_bad_tags_are_refused_naming_the_field(
    world: World, tags: list[str], message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        make(world, "@alice a", tags)
    (problem,) = refused.value.problems
    assert problem.field == "tags" and message in problem.message


async def test_a_bad_tag_filter_or_sort_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        commands(world, tags=("a b",), sort="colour")
    assert [p.field for p in refused.value.problems] == ["tag", "sort"]


async def test_sorting_puts_empty_values_last(world: World) -> None:
    make(world, "@bob first", [])
    make(world, "@alice second", [], enabled=False)
    make(world, "@maya third", [])
    assert commands(world, sort="agent") == ["@alice second", "@bob first", "@maya third"]
    assert commands(world, sort="-agent") == ["@maya third", "@bob first", "@alice second"]
    assert commands(world, sort="next_run")[-1] == "@alice second"
    assert commands(world, sort="-next_run")[-1] == "@alice second"
