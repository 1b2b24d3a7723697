"""The browser's time zone as a one-time suggestion for a user who never chose one: app.js
keeps it in a cookie, the server stores it at the first signed-in page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .conftest import Person, Site, sign_in


def _unplaced(site: Site, name: str) -> Person:
    user = site.users.create(name)  # no zone given: UTC, not chosen
    return Person(user, site.users.issue_token(user).token)


def _suggested(site: Site, person: Person) -> str | None:
    found = site.users.by_id(person.user.id)
    assert found is not None
    return found.suggested_timezone


def test_the_browsers_zone_is_kept_as_a_suggestion_at_sign_in(site: Site) -> None:
    bea = _unplaced(site, "bea")
    with site.client() as client:
        client.cookies.set("agentcron_browser_tz", quote("Europe/Berlin", safe=""))
        sign_in(client, bea)
        client.get("/")

    assert _suggested(site, bea) == "Europe/Berlin"


def test_a_user_who_chose_a_zone_gets_no_suggestion(site: Site) -> None:
    cy = site.person("cy", "Asia/Tokyo")  # chosen when created
    with site.client() as client:
        client.cookies.set("agentcron_browser_tz", quote("Europe/Berlin", safe=""))
        sign_in(client, cy)
        client.get("/")

    assert _suggested(site, cy) is None


def test_a_forged_zone_cookie_is_ignored(site: Site) -> None:
    dee = _unplaced(site, "dee")
    with site.client() as client:
        client.cookies.set("agentcron_browser_tz", quote("../../etc/passwd", safe=""))
        sign_in(client, dee)
        assert client.get("/").status_code == 200

    assert _suggested(site, dee) is None


@pytest.mark.browser
def test_a_browser_in_tokyo_suggests_tokyo(browser: Any, site: Site) -> None:
    eve = _unplaced(site, "eve")
    context = browser.new_context(base_url=site.url, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        page.goto(site.login_link(eve))  # the first visit: no cookie yet
        expect(page).to_have_url(re.compile(r"/$"))
        page.goto("/schedules")  # the next page carries the cookie app.js set
        expect(page.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()
    finally:
        context.close()

    assert _suggested(site, eve) == "Asia/Tokyo"
