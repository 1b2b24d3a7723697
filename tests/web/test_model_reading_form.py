"""The schedule form with the parser's model fallback on (a fake OpenAI-compatible server on
127.0.0.1): the preview carries the model's reading; saving it needs the form's own
`accept_model_reading` checkbox, for the reading the preview showed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agentcron.app import create_app
from agentcron.config import Settings
from tests.agents.conftest import LoopbackServer
from tests.support.live import LiveServer
from tests.support.parser_model import MODEL, agents_toml, answering, reading

from .conftest import AGENTS, Site, csrf_of

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


def _post(client: httpx.Client, **fields: str) -> httpx.Response:
    token = csrf_of(client.get("/schedules/new").text)
    data = {
        "csrf_token": token,
        "mode": "sentence",
        "text": VAGUE,
        "enabled": "on",
        "timezone": "UTC",
        "overlap": "skip",
        "misfire_grace_s": "300",
        "max_retries": "3",
        "timeout_s": "600",
        **fields,
    }
    return client.post("/schedules/new", data=data)


def test_a_models_reading_is_saved_only_when_the_form_accepts_it(parsing_site: Site) -> None:
    ann = parsing_site.person("ann")
    with parsing_site.session(ann) as client:
        token = csrf_of(client.get("/schedules/new").text)
        preview = client.post(
            "/ui/preview",
            json={"mode": "sentence", "text": VAGUE, "timezone": "UTC"},
            headers={"X-CSRF-Token": token},
        ).json()
        refused = _post(client)
        saved = _post(
            client, accept_model_reading="on", model_reading=str(preview["model_reading"])
        )

    assert preview["ok"] and preview["interpreted_by"] == MODEL
    assert preview["needs_confirmation"] is True
    assert '"on mondays" needs a time of day' in preview["grammar_refusal"]
    assert refused.status_code == 422 and MODEL in refused.text
    assert saved.status_code == 303, saved.text
    [view] = parsing_site.schedules.list(ann.user)[0]
    assert view.row.cron_expression == "0 9 * * 1"
