"""A user's time zone: set on purpose or suggested once by a browser; new schedules default
to it; previews show next runs in the schedule's zone and, when it differs, in the user's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agentcron.errors import InvalidInput
from agentcron.service import ScheduleDraft
from agentcron.store.tables import User
from tests.support.world import World


def _reloaded(world: World, user: User) -> User:
    found = world.users.by_id(user.id)
    assert found is not None
    return found


def test_a_user_made_without_a_zone_has_utc_not_chosen(world: World) -> None:
    plain = world.users.create("bea")
    placed = world.users.create("cy", "Asia/Tokyo")

    assert (plain.timezone, plain.timezone_chosen) == ("UTC", False)
    assert (placed.timezone, placed.timezone_chosen) == ("Asia/Tokyo", True)


def test_setting_a_zone_is_a_choice_and_clears_the_suggestion(world: World) -> None:
    bea = world.users.suggest_timezone(world.users.create("bea"), "Europe/Berlin")
    assert bea.suggested_timezone == "Europe/Berlin"

    world.users.set_timezone(bea, "America/Chicago")

    stored = _reloaded(world, bea)
    assert (stored.timezone, stored.timezone_chosen, stored.suggested_timezone) == (
        "America/Chicago",
        True,
        None,
    )


def test_a_misspelt_zone_is_refused_naming_the_field_and_the_close_zones(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.users.set_timezone(world.user, "Europe/Berln")

    [problem] = refused.value.problems
    assert problem.field == "timezone"
    assert "Europe/Berlin" in problem.fix
    assert _reloaded(world, world.user).timezone == "UTC"


def test_the_browsers_zone_is_suggested_once(world: World) -> None:
    bea = world.users.create("bea")

    first = world.users.suggest_timezone(bea, "Europe/Berlin")
    second = world.users.suggest_timezone(first, "America/New_York")  # another browser later

    assert second.suggested_timezone == "Europe/Berlin"
    assert _reloaded(world, bea).suggested_timezone == "Europe/Berlin"
    assert _reloaded(world, bea).timezone == "UTC"  # a suggestion changes nothing by itself


@pytest.mark.parametrize("sent", ["", "UTC", "Not/AZone", "localtime", "x" * 300])
def test_nothing_worth_suggesting_is_ignored(world: World, sent: str) -> None:
    bea = world.users.create("bea")

    assert world.users.suggest_timezone(bea, sent).suggested_timezone is None
    assert _reloaded(world, bea).suggested_timezone is None


def test_a_chosen_zone_gets_no_suggestion(world: World) -> None:
    cy = world.users.create("cy", "Asia/Tokyo")

    assert world.users.suggest_timezone(cy, "Europe/Berlin").suggested_timezone is None


def test_new_schedules_default_to_the_users_zone(world: World) -> None:
    user = world.users.set_timezone(world.user, "Europe/Berlin")

    by_fields = world.schedules.create(
        user,
        ScheduleDraft(command_text="@alice hi", schedule_type="cron", cron_expression="0 9 * * *"),
    )
    by_sentence = world.schedules.create(
        user, ScheduleDraft(text="@alice check the logs every weekday at 9am")
    )
    elsewhere = world.schedules.create(
        user, ScheduleDraft(text="@alice check the logs every weekday at 9am ET")
    )

    assert by_fields.row.timezone == by_sentence.row.timezone == "Europe/Berlin"
    assert elsewhere.row.timezone == "America/New_York"
    local = by_sentence.row.next_run_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (9, 0)


def test_existing_schedules_keep_their_zone(world: World) -> None:
    before = world.create(
        command_text="@alice hi", schedule_type="cron", cron_expression="0 9 * * *"
    )

    world.users.set_timezone(world.user, "Asia/Tokyo")

    assert world.schedule(before.id).timezone == "UTC"


def test_the_preview_shows_runs_in_the_schedules_zone_and_the_viewers(world: World) -> None:
    user = world.users.set_timezone(world.user, "America/New_York")

    preview = world.schedules.preview(
        user, ScheduleDraft(text="@bob deploy every friday at 5pm in Europe/Berlin")
    )

    assert preview.viewer_timezone == "America/New_York"
    assert preview.spec.timezone == "Europe/Berlin"
    first = preview.next_runs[0]
    assert first == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # now is Mon 2026-03-02 12:00 UTC
    assert preview.next_runs_local[0].isoformat() == "2026-03-06T17:00:00+01:00"
    assert preview.next_runs_viewer is not None
    assert preview.next_runs_viewer[0].isoformat() == "2026-03-06T11:00:00-05:00"
    assert [run.astimezone(UTC) for run in preview.next_runs_local] == preview.next_runs


def test_the_preview_in_the_viewers_own_zone_shows_it_once(world: World) -> None:
    preview = world.schedules.preview(
        world.user, ScheduleDraft(text="@alice check the logs every weekday at 9am")
    )

    assert preview.spec.timezone == preview.viewer_timezone == "UTC"
    assert preview.next_runs_viewer is None


def test_the_preview_says_how_a_zone_word_was_read(world: World) -> None:
    preview = world.schedules.preview(
        world.user, ScheduleDraft(text="@bob deploy every friday at 5pm PT")
    )

    assert preview.spec.timezone == "America/Los_Angeles"
    assert preview.notes == [
        '"PT" read as Pacific time, America/Los_Angeles (follows daylight saving)'
    ]
    assert preview.model is None
