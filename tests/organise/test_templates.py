"""Templates: placeholders filled as plain text; missing and unknown ones are 422s naming
them; injection-looking values stay text; presets; save a schedule as a template."""

from __future__ import annotations

import pytest

from agentcron.errors import Conflict, InvalidInput, NotFound
from agentcron.service.templates import PRESETS, TemplateDraft, TemplateService, fill, placeholders
from tests.support.world import World

pytestmark = pytest.mark.anyio

WEEKDAYS = {"schedule_type": "cron", "cron_expression": "0 9 * * 1-5"}


def templates(world: World) -> TemplateService:
    return TemplateService(world.services, world.schedules)


def health(world: World) -> str:
    row = templates(world).create(
        world.user,
        TemplateDraft(
            name="health",
            command_text="@alice check {service} health in {region}; {{literal}}",
            timing=WEEKDAYS,
            tags=["ops"],
        ),
    )
    return str(row.id)


def test_placeholders_and_fill_are_one_pass() -> None:
    command = "@alice check {service} in {region} and {service} {{x}} {1} {"
    assert placeholders(command) == ["service", "region"]
    filled = fill(command, {"service": "{region}", "region": "eu"})
    assert filled == "@alice check {region} in eu and {region} {x} {1} {"


async def test_use_fills_the_placeholders_and_creates_the_schedule(world: World) -> None:
    tid = health(world)
    view = templates(world).use(world.user, tid, {"service": "billing", "region": "eu"})
    row = view.row
    assert row.command_text == "@alice check billing health in eu; {literal}"
    assert (row.agent_id, row.cron_expression, row.tags) == ("alice", "0 9 * * 1-5", ["ops"])
    by_name = templates(world).use(
        world.user, "health", {"service": "search", "region": "us"}, tags=["weekly"]
    )
    assert by_name.row.tags == ["weekly"]


async def test_injection_looking_values_stay_text(world: World) -> None:
    tid = health(world)
    values = {
        "service": "{region} {0.__class__} ${HOME} `rm -rf /` {{x}}",
        "region": "'; DROP TABLE scheduled_commands; --",
    }
    row = templates(world).use(world.user, tid, values).row
    assert row.command_text == (
        "@alice check {region} {0.__class__} ${HOME} `rm -rf /` {{x}} health in "
        "'; DROP TABLE scheduled_commands; --; {literal}"
    )
    assert len(world.schedules.list(world.user)[0]) == 1


async def test_missing_and_unknown_placeholders_are_named(world: World) -> None:
    tid = health(world)
    with pytest.raises(InvalidInput) as refused:
        templates(world).use(world.user, tid, {"service": "billing", "colour": "red"})
    assert [p.field for p in refused.value.problems] == ["values.region", "values.colour"]
    with pytest.raises(InvalidInput) as not_text:
        templates(world).use(world.user, tid, {"service": 3, "region": "eu"})
    assert [p.field for p in not_text.value.problems] == ["values.service"]
    assert world.schedules.list(world.user)[1] == 0


async def test_templates_are_the_users_own_and_names_unique(world: World) -> None:
    tid = health(world)
    bea = world.users.create("bea", "UTC")
    with pytest.raises(NotFound):
        templates(world).use(bea, tid, {"service": "a", "region": "b"})
    with pytest.raises(NotFound):
        templates(world).delete(bea, tid)
    assert templates(world).list(bea) == []
    with pytest.raises(Conflict):
        health(world)
    templates(world).delete(world.user, "health")
    assert templates(world).list(world.user) == []


async def test_bad_templates_are_refused_naming_the_fields(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        templates(world).create(
            world.user,
            TemplateDraft(
                name="",
                command_text="",
                timing={"schedule_type": "cron", "cron_expression": "*/1 * * * *"},
                tags=["a b"],
            ),
        )
    fields = [p.field for p in refused.value.problems]
    assert fields[:3] == ["name", "command_text", "tags"] and "cron_expression" in fields


async def test_presets_and_save_as_template(world: World) -> None:
    assert [p.label for p in PRESETS] == [
        "Every weekday at 9",
        "Daily at 9",
        "Weekly on Monday at 9",
        "Monthly on the 1st at 9",
        "Hourly",
        "Every 15 minutes",
    ]
    for preset in PRESETS:  # each is a timing the schedule rules accept
        world.create(command_text=f"@alice {preset.key}", **preset.timing)
    source = world.create(command_text="@bob summarise {topic}", tags=["daily"], **WEEKDAYS)
    saved = templates(world).create(
        world.user, TemplateDraft(name="from schedule", schedule_id=source.id)
    )
    assert (saved.command_text, saved.tags) == ("@bob summarise {topic}", ["daily"])
    assert saved.timing["cron_expression"] == "0 9 * * 1-5"
