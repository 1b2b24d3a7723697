"""Liveness, readiness, metrics, and the last-resort error handler."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from agentcron.agents import AgentRegistry
from agentcron.app import create_app
from agentcron.config import Settings
from tests.api.helpers import new_caller, seed_schedule

pytestmark = pytest.mark.anyio


async def test_ready_on_a_current_database(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["engine"] == "off"


async def test_not_ready_on_a_database_behind(tmp_path: Path, agents_file: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'empty.db'}",
        agents_file=agents_file,
        data_dir=tmp_path / "data",
    )
    registry = AgentRegistry(agents_file)
    registry.load()
    app = create_app(settings, registry=registry, run_engine=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.get("/readyz")
        alive = await client.get("/healthz")
    app.state.runtime.services.store.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "agentcron migrate" in response.json()["detail"]
    assert alive.status_code == 200


async def test_metrics_count_active_schedules_and_requests(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    sid = seed_schedule(app, caller)
    seed_schedule(app, caller, enabled=False)
    await client.get(f"/api/scheduled-commands/{sid}", headers=caller.headers)
    text = (await client.get("/metrics")).text
    assert "agentcron_active_schedules 1.0" in text
    assert (
        'agentcron_http_requests_total{method="GET",route="/api/scheduled-commands/{schedule_id}",'
        'status="200"}' in text
    )
    assert "agentcron_http_request_duration_seconds_bucket" in text


async def test_an_unexpected_error_is_a_logged_problem_500(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="agentcron.api.problems"):
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:agentcron:problem:internal-error"
    assert "a bug" not in body["detail"]  # the details go to the log, not to the caller
    assert any("unhandled error on GET /boom" in r.getMessage() for r in caplog.records)
