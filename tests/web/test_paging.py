"""A `?page=` of any size or spelling answers a page or a clear 422, never a 500, on every
list page, on SQLite and PostgreSQL (a huge OFFSET overflows either)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agentcron.config import Settings

from .conftest import AGENTS, Person, Site

HUGE = ["9" * 30, "9" * 19, "9" * 5000, "10001", "²", "１２", "0", "-1", "2.5", "x"]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The site of tests/web/conftest.py, on each dialect."""
    agents = tmp_path / "agents.toml"
    agents.write_text(AGENTS)
    return Settings(
        database_url=database_url,
        agents_file=agents,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.mark.parametrize("value", HUGE)
def test_an_unusable_page_answers_422_naming_the_page(
    site: Site, ann: Person, client: httpx.Client, value: str
) -> None:
    schedule_id = site.schedule(ann, "@alice check the logs every day at 9am")

    for path in ("/schedules", f"/schedules/{schedule_id}/history"):
        response = client.get(path, params={"page": value})
        assert response.status_code == 422, (path, value, response.status_code)
        assert "page must be a whole number from 1 to 10,000" in response.text


def test_pages_in_range_still_list(site: Site, ann: Person, client: httpx.Client) -> None:
    schedule_id = site.schedule(ann, "@alice check the logs every day at 9am")

    for path in ("/schedules", f"/schedules/{schedule_id}/history"):
        for value in ("", "1", "10000"):
            assert client.get(path, params={"page": value}).status_code == 200, (path, value)
