"""The schedule editor's newer parts: next runs in the schedule's zone with the viewer's
beside them, the parser's notes, a model's reading waiting for a yes, and the schedule's
own notification rule and auto-pause."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service.channels import ChannelDraft
from tests.agents.conftest import LoopbackServer
from tests.support.live import LiveServer
from tests.support.parser_model import MODEL, agents_toml, answering, reading

from .conftest import AGENTS, Person, Site, shoot

pytestmark = pytest.mark.browser

SENTENCE = "Command and schedule, in one sentence"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with channels that may point at 127.0.0.1."""
    return settings.model_copy(update={"notify_allow_private": True})


def _editor(page: Any, site: Site, person: Person, path: str = "/schedules/new") -> None:
    page.goto(site.login_link(person))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()
    page.goto(path)


def test_the_preview_shows_the_schedules_zone_the_viewers_and_the_notes(
    page: Any, site: Site, ann: Person
) -> None:
    _editor(page, site, ann)
    page.get_by_label(SENTENCE).fill("@alice check deprecated models every weekday at 9am PT")

    runs = page.locator("#preview .runs li")
    expect(runs).to_have_count(5)
    expect(page.locator("#preview .small-title")).to_contain_text(
        "in America/Los_Angeles · yours in UTC"
    )
    expect(runs.first.locator("time").first).to_have_text(re.compile(r" 09:00 P[SD]T$"))
    expect(runs.first.locator("[data-viewer-time]")).to_have_text(re.compile(r"^= 1[67]:00 UTC$"))
    expect(page.locator("[data-preview-notes]")).to_contain_text('"PT" read as Pacific time')
    shoot(page, "editor-preview-two-zones", full_page=False)

    # In the viewer's own zone there is nothing to put beside.
    page.get_by_label(SENTENCE).fill("@alice check deprecated models every weekday at 9am")
    expect(runs.first.locator("time").first).to_have_text(re.compile(r" 09:00 UTC$"))
    expect(page.locator("#preview [data-viewer-time]")).to_have_count(0)
    expect(page.locator("[data-preview-notes]")).to_have_count(0)


def test_the_schedules_notification_rule_and_auto_pause_are_saved(
    page: Any, site: Site, ann: Person
) -> None:
    channels = site.server.app.state.web.use_cases.channels
    ops = channels.create(ann.user, ChannelDraft(name="ops", url="http://127.0.0.1:9/ops"))
    channels.create(ann.user, ChannelDraft(name="team", url="http://127.0.0.1:9/team"))
    schedule_id = site.schedule(ann, "@alice check deprecated models every day at 9am")
    _editor(page, site, ann, f"/schedules/{schedule_id}/edit")

    page.get_by_text("Advanced settings").click()
    page.get_by_label("Pause after failures").fill("0")
    rule = page.locator("details#notify")
    rule.locator("summary").click()
    expect(rule.get_by_label("Follow my channels")).to_be_checked()
    expect(rule.get_by_label("ops")).to_be_hidden()  # shown for "these channels" only
    rule.get_by_label("These channels and events").check()
    rule.get_by_label("ops").check()
    rule.get_by_label("Every success").check()
    rule.get_by_label("Failure (first of a streak)").check()
    shoot(page, "editor-notify-rule", full_page=False)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved")

    row = site.schedules.get(ann.user, schedule_id).row
    assert row.notify == {"channels": [str(ops.row.id)], "on": ["failure", "success"]}
    assert row.auto_pause_after == 0

    # The form reads the rule back, and silence is one click.
    page.goto(f"/schedules/{schedule_id}/edit")
    expect(rule).to_have_attribute("open", "")
    expect(rule.get_by_label("These channels and events")).to_be_checked()
    expect(rule.get_by_label("ops")).to_be_checked()
    expect(rule.get_by_label("team")).not_to_be_checked()
    expect(page.get_by_label("Pause after failures")).to_have_value("0")
    rule.get_by_label("Silence").check()
    expect(rule.locator("[data-notify-summary]")).to_have_text("· silenced")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved")
    assert site.schedules.get(ann.user, schedule_id).row.notify == {"channels": [], "on": []}

    # And back to following the channels.
    page.goto(f"/schedules/{schedule_id}/edit")
    expect(rule).to_have_attribute("open", "")  # a rule other than the default shows itself
    rule.get_by_label("Follow my channels").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved")
    assert site.schedules.get(ann.user, schedule_id).row.notify is None


def test_a_bad_auto_pause_is_shown_beside_its_field(page: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every day at 9am")
    _editor(page, site, ann, f"/schedules/{schedule_id}/edit")
    page.get_by_text("Advanced settings").click()
    page.get_by_label("Pause after failures").fill("5000")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#err-auto_pause_after")).to_contain_text("out of range")
    expect(page.locator("#form-problems")).to_contain_text("Pause after failures")


VAGUE = "@alice check the logs on mondays, give or take, around nine"


@pytest.fixture
def parsing_site(sqlite_url: str, tmp_path: Path) -> Iterator[Site]:
    model = LoopbackServer()
    model.answer = answering(reading(command="@alice check the logs"))
    model.start()
    agents = tmp_path / "agents.toml"
    agents.write_text(AGENTS + "\n" + agents_toml(model.url))
    settings = Settings(
        database_url=sqlite_url,
        agents_file=agents,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        parser_agent="parser",
        _env_file=None,  # type: ignore[call-arg]
    )
    try:
        with LiveServer(create_app(settings, run_engine=False)) as server:
            yield Site(server)
    finally:
        model.stop()


def test_a_models_reading_is_shown_and_saved_only_when_ticked(
    browser: Any, parsing_site: Site
) -> None:
    site = parsing_site
    ann = site.person("ann")
    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        _editor(page, site, ann)
        page.get_by_label(SENTENCE).fill(VAGUE)
        reading_box = page.locator("#preview [data-model-reading]")
        expect(reading_box).to_contain_text(f"Interpreted by {MODEL}")
        expect(reading_box).to_contain_text('"on mondays" needs a time of day')
        expect(reading_box).to_contain_text("At 09:00, only on Monday (UTC)")
        expect(page.locator('#preview input[name="model_reading"]')).to_have_value(
            re.compile(r"^[0-9a-f]{16}$")
        )
        shoot(page, "editor-model-reading", full_page=False)

        # Not ticked: refused, saying why; the reading waits beside the form (no script needed).
        page.get_by_role("button", name="Create schedule").click()
        expect(page.locator("#form-problems")).to_contain_text(MODEL)
        expect(page.locator("#preview [data-model-reading]")).to_be_visible()
        assert site.schedules.list(ann.user)[1] == 0

        page.get_by_label("Use this reading").check()
        # A preview redrawn for the same reading (the zone typed again) keeps the tick.
        with page.expect_response("**/ui/preview"):
            page.get_by_label("Time zone").fill("UTC")
        expect(page.locator("#preview:not([aria-busy])")).to_have_count(1)
        expect(page.get_by_label("Use this reading")).to_be_checked()
        page.get_by_role("button", name="Create schedule").click()
        expect(page).to_have_url(re.compile(r"/schedules\?created="))
    finally:
        context.close()
    [view] = site.schedules.list(ann.user)[0]
    assert view.row.cron_expression == "0 9 * * 1"
