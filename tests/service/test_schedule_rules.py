"""The rules every interface shares, checked once at the service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agentcron.errors import Conflict, InvalidInput, NotFound, RateLimited
from agentcron.service import ScheduleDraft
from tests.support.world import World

CRON = {"schedule_type": "cron", "cron_expression": "0 9 * * 1-5", "timezone": "America/New_York"}


def _fields(error: InvalidInput) -> set[str]:
    return {p.field for p in error.problems}


def test_the_documented_body_works_and_agent_comes_from_the_handle(world: World) -> None:
    view = world.schedules.create(
        world.user,
        ScheduleDraft(
            command_text="@alice check deprecated models",
            description="Weekday morning checks",
            **CRON,
        ),
    )
    assert view.row.agent_id == "alice"
    assert view.description_text.endswith("(America/New_York)")
    assert len(view.next_runs) == 5 and view.next_runs[0] == view.row.next_run_at
    legacy = world.schedules.create(
        world.user, ScheduleDraft(command_text="check", agent_id="agent_alice", **CRON)
    )
    assert legacy.row.agent_id == "alice"


def test_every_bad_field_is_reported_at_once(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.schedules.create(
            world.user,
            ScheduleDraft(
                command_text="@alise hello",
                schedule_type="cron",
                cron_expression="*/2 * * * *",
                timezone="Europe/Berln",
                overlap="sometimes",
                max_retries=7,
            ),
        )
    fields = _fields(caught.value)
    assert {"agent_id", "overlap", "max_retries"} <= fields
    assert fields & {"cron_expression", "timezone"}
    agent = next(p for p in caught.value.problems if p.field == "agent_id")
    assert agent.message == "no agent @alise" and "did you mean @alice?" in agent.fix


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        ({"schedule_type": "cron", "cron_expression": "0,1 9 * * *"}, "cron_expression"),
        ({"schedule_type": "cron", "cron_expression": "0 0 31 2 *"}, "cron_expression"),
        (
            {"schedule_type": "interval", "interval_value": 2, "interval_unit": "minutes"},
            "interval_value",
        ),
        (
            {"schedule_type": "interval", "interval_value": 5, "interval_unit": "weeks"},
            "interval_unit",
        ),
        ({"schedule_type": "weekly"}, "schedule_type"),
        ({"schedule_type": "once"}, "run_at"),
    ],
)
def test_timing_rules(world: World, draft: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.schedules.create(world.user, ScheduleDraft(command_text="@alice x", **draft))
    assert field in _fields(caught.value)


def test_once_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.schedules.create(
            world.user,
            ScheduleDraft(
                command_text="@alice x",
                schedule_type="once",
                run_at=world.clock.now() - timedelta(minutes=1),
            ),
        )
    assert "run_at" in _fields(caught.value)


def test_a_sentence_stands_in_for_the_fields(world: World) -> None:
    view = world.schedules.create(
        world.user, ScheduleDraft(text="@bob check the logs every weekday at 9am")
    )
    assert (view.row.agent_id, view.row.command_text) == ("bob", "@bob check the logs")
    assert view.row.cron_expression == "0 9 * * 1-5"
    with pytest.raises(InvalidInput) as caught:
        world.schedules.create(world.user, ScheduleDraft(text="@bob check the logs every monday"))
    assert _fields(caught.value) == {"text"}
    with pytest.raises(InvalidInput):
        world.schedules.create(
            world.user, ScheduleDraft(text="@bob x every day at 9", cron_expression="0 9 * * *")
        )


def test_cap_per_user(world: World) -> None:
    world.settings.max_schedules_per_user = 3
    for i in range(3):
        world.schedules.create(world.user, ScheduleDraft(command_text=f"@alice {i}", **CRON))
    with pytest.raises(Conflict, match="limit of 3"):
        world.schedules.create(world.user, ScheduleDraft(command_text="@alice 4", **CRON))


def test_another_users_schedule_does_not_exist(world: World) -> None:
    mine = world.schedules.create(world.user, ScheduleDraft(command_text="@alice mine", **CRON)).row
    other = world.users.create("eve")
    for action in (
        lambda: world.schedules.get(other, mine.id),
        lambda: world.schedules.update(other, mine.id, ScheduleDraft(description="x")),
        lambda: world.schedules.set_enabled(other, mine.id, False),
        lambda: world.schedules.run_now(other, mine.id),
        lambda: world.schedules.delete(other, mine.id),
    ):
        with pytest.raises(NotFound):
            action()
    assert world.schedules.list(other)[1] == 0
    assert world.schedules.get(world.user, mine.id).row.enabled


def test_patch_keeps_next_run_and_anchor_unless_timing_changes(world: World) -> None:
    row = world.schedules.create(
        world.user,
        ScheduleDraft(
            command_text="@alice poll",
            schedule_type="interval",
            interval_value=30,
            interval_unit="minutes",
        ),
    ).row
    world.clock.advance(minutes=7)
    patched = world.schedules.update(
        world.user, row.id, ScheduleDraft(description="now described")
    ).row
    assert (patched.next_run_at, patched.anchor_at) == (row.next_run_at, row.anchor_at)
    retimed = world.schedules.update(world.user, row.id, ScheduleDraft(interval_value=45)).row
    assert retimed.anchor_at == world.clock.now()
    assert retimed.next_run_at == world.clock.now() + timedelta(minutes=45)
    assert retimed.description == "now described"


def test_an_update_never_resets_fields_it_was_not_sent(world: World) -> None:
    row = world.schedules.create(
        world.user,
        ScheduleDraft(command_text="@alice x", description="old", overlap="allow", **CRON),
    ).row
    replaced = world.schedules.update(
        world.user, row.id, ScheduleDraft(command_text="@bob y", **CRON)
    ).row
    assert (replaced.agent_id, replaced.description, replaced.overlap) == ("bob", "old", "allow")


def test_disable_clears_next_run_and_enable_recomputes(world: World) -> None:
    row = world.schedules.create(world.user, ScheduleDraft(command_text="@alice x", **CRON)).row
    assert world.schedules.set_enabled(world.user, row.id, False).row.next_run_at is None
    world.clock.advance(days=3)
    enabled = world.schedules.set_enabled(world.user, row.id, True).row
    assert enabled.next_run_at is not None and enabled.next_run_at > world.clock.now()


def test_write_rate_limit(world: World) -> None:
    from agentcron.service.limits import RateLimiter

    world.services.write_limiter = RateLimiter(2)
    world.schedules.create(world.user, ScheduleDraft(command_text="@alice 1", **CRON))
    world.schedules.create(world.user, ScheduleDraft(command_text="@alice 2", **CRON))
    with pytest.raises(RateLimited) as caught:
        world.schedules.create(world.user, ScheduleDraft(command_text="@alice 3", **CRON))
    assert caught.value.retry_after_s >= 1


def test_command_length_and_nul_are_refused_but_other_control_characters_are_kept(
    world: World,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.schedules.create(
            world.user, ScheduleDraft(command_text="@alice " + "x" * 3000, **CRON)
        )
    assert _fields(caught.value) == {"command_text"}
    with pytest.raises(InvalidInput):
        world.schedules.create(world.user, ScheduleDraft(command_text="@alice a\x00b", **CRON))
    odd = world.schedules.create(
        world.user, ScheduleDraft(command_text="@alice <b>bell\x07</b>\x1b[31m", **CRON)
    ).row
    assert (
        world.schedules.get(world.user, odd.id).row.command_text == "@alice <b>bell\x07</b>\x1b[31m"
    )


def test_delete_takes_the_history_with_it(world: World) -> None:
    row = world.schedules.create(world.user, ScheduleDraft(command_text="@alice x", **CRON)).row
    world.schedules.run_now(world.user, row.id)
    assert len(world.executions(row.id)) == 1
    world.schedules.delete(world.user, row.id)
    assert world.executions(row.id) == []
    with pytest.raises(NotFound):
        world.schedules.get(world.user, row.id)


def test_a_fired_once_schedule_can_still_be_described(world: World) -> None:
    at = world.clock.now() + timedelta(hours=1)
    row = world.schedules.create(
        world.user, ScheduleDraft(command_text="@alice launch", schedule_type="once", run_at=at)
    ).row
    world.clock.advance(hours=2)
    edited = world.schedules.update(world.user, row.id, ScheduleDraft(description="done"))
    assert edited.row.description == "done" and edited.row.run_at == at
    with pytest.raises(InvalidInput):
        world.schedules.update(world.user, row.id, ScheduleDraft(run_at=at))


def test_run_at_is_stored_and_answered_in_utc(world: World) -> None:
    from datetime import UTC, timezone

    local = (world.clock.now() + timedelta(days=1)).astimezone(timezone(timedelta(hours=-5)))
    row = world.schedules.create(
        world.user, ScheduleDraft(command_text="@alice x", schedule_type="once", run_at=local)
    ).row
    assert row.run_at == local and row.run_at.tzinfo == UTC
