"""Over a real socket, with the engine running on real time: a schedule made with the
documented body, run now, finished by the echo agent, read back from the history; and the
live event stream, which carries the caller's events and nobody else's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import pytest

from agentcron.api import events as events_module
from tests.api.conftest import MakeApp
from tests.api.helpers import CRON_BODY, new_caller, wait_for_final
from tests.support.live import LiveServer

S = "/api/scheduled-commands"


@pytest.fixture
def live(make_app: MakeApp) -> Iterator[LiveServer]:
    app = make_app(real_time=True, run_engine=True)
    with LiveServer(app) as server:
        yield server


def test_run_now_then_read_the_history(live: LiveServer) -> None:
    owner, other = new_caller(live.app), new_caller(live.app)
    with httpx.Client(base_url=live.url, headers=owner.headers, timeout=10) as http:
        created = http.post(S, json=CRON_BODY)
        assert created.status_code == 201, created.text
        sid = created.json()["id"]
        assert http.get(S).json()["total"] == 1

        queued = http.post(f"{S}/{sid}/execute")
        assert queued.status_code == 202
        eid = queued.json()["id"]
        done = wait_for_final(http, eid)
        assert done["status"] == "success", done
        assert done["result_summary"] == "check deprecated models"  # echo: the instruction
        assert done["output"] == "check deprecated models"
        assert done["duration_ms"] is not None and done["started_at"] and done["finished_at"]
        assert [(a["number"], a["status"]) for a in done["attempts"]] == [(1, "success")]

        history = http.get(f"{S}/{sid}/executions").json()
        assert [i["id"] for i in history["items"]] == [eid]
        assert http.get(f"{S}/{sid}").json()["last_status"] == "success"
        ready = http.get("/readyz").json()
        assert ready["engine"] == "running"
        assert "agentcron_executions_total" in http.get("/metrics").text

    with httpx.Client(base_url=live.url, headers=other.headers, timeout=10) as http:
        assert http.get(S).json()["total"] == 0
        for path in (f"{S}/{sid}", f"{S}/{sid}/executions", f"/api/executions/{eid}"):
            assert http.get(path).status_code == 404, path


@pytest.mark.anyio
async def test_events_reach_their_user_only(live: LiveServer) -> None:
    owner, other = new_caller(live.app), new_caller(live.app)
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        sid = (await http.post(S, json=CRON_BODY, headers=owner.headers)).json()["id"]
        async with (
            http.stream("GET", "/api/events", headers=owner.headers) as mine,
            http.stream("GET", "/api/events", headers=other.headers) as theirs,
        ):
            assert mine.status_code == 200
            assert mine.headers["content-type"].startswith("text/event-stream")
            my_events, their_events = sse(mine), sse(theirs)
            with anyio.fail_after(10):
                assert (await anext(my_events))["comment"] == ["connected"]
                assert (await anext(their_events))["comment"] == ["connected"]
                eid = (await http.post(f"{S}/{sid}/execute", headers=owner.headers)).json()["id"]
                seen: dict[str, dict[str, Any]] = {}
                async for event in my_events:
                    if event.get("data", {}).get("execution_id") == eid:
                        seen[event["event"]] = event["data"]
                    if "execution.finished" in seen:
                        break
                # The other user's stream: their own next event comes first, nothing of ours.
                await http.post(S, json=CRON_BODY, headers=other.headers)
                first = await anext(their_events)
        assert {"execution.queued", "execution.started", "execution.finished"} <= set(seen)
        finished = seen["execution.finished"]
        assert finished["status"] == "success" and finished["schedule_id"] == sid
        for metric in ("duration_ms", "tokens_used", "llm_calls"):
            assert isinstance(finished[metric], int), finished
        assert first["event"] == "schedule.created", first
        # Closing the streams ends their subscriptions on the server.
        bus = live.runtime.services.bus
        with anyio.fail_after(5):
            while bus.subscriber_count:
                await anyio.sleep(0.02)


@pytest.mark.anyio
async def test_a_quiet_stream_sends_keep_alives(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_module, "KEEPALIVE_S", 0.05)
    caller = new_caller(live.app)
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=10) as http,
        http.stream("GET", "/api/events", headers=caller.headers) as stream,
    ):
        events = sse(stream)
        with anyio.fail_after(5):
            assert (await anext(events))["comment"] == ["connected"]
            assert (await anext(events))["comment"] == ["keep-alive"]


async def sse(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Parse text/event-stream into blocks: event, data (JSON), and comment lines."""
    block: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if not line:
            if block:
                yield block
            block = {}
        elif line.startswith(":"):
            block.setdefault("comment", []).append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            block[name] = json.loads(value) if name == "data" else value
