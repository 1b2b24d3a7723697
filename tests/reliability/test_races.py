"""Races between concurrent requests on PostgreSQL, where nothing serialises writers for us:
the schedule cap and unique keys hold under real concurrent HTTP requests."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from agentcron.store.tables import ScheduledCommand
from tests.reliability.conftest import token_for
from tests.support.live import LiveServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BODY = {
    "command_text": "@alice check",
    "schedule_type": "interval",
    "interval_value": 1,
    "interval_unit": "hours",
}


def _post_all(url: str, token: str, bodies: list[dict[str, Any]]) -> Counter[int]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:

        def post(body: dict[str, Any]) -> int:
            response = client.post("/api/scheduled-commands", json=body)
            assert response.status_code != 500, response.text
            return response.status_code

        with ThreadPoolExecutor(max_workers=40) as pool:
            return Counter(pool.map(post, bodies))


def test_concurrent_creates_never_pass_the_cap(postgres_url: str, make_server_app: Any) -> None:
    app = make_server_app(postgres_url, engine_enabled=False, write_rate_per_minute=10_000)
    with LiveServer(app) as server:
        token = token_for(app, "ada")
        statuses = _post_all(server.url, token, [BODY] * 100)
        with app.state.runtime.services.store.read() as session:
            stored = session.scalar(select(func.count()).select_from(ScheduledCommand))
    assert statuses == Counter({201: 50, 409: 50})
    assert stored == 50


def test_concurrent_creates_with_one_key_make_one_schedule(
    postgres_url: str, make_server_app: Any
) -> None:
    app = make_server_app(postgres_url, engine_enabled=False, write_rate_per_minute=10_000)
    with LiveServer(app) as server:
        token = token_for(app, "ada")
        statuses = _post_all(server.url, token, [{**BODY, "key": "nightly"}] * 12)
    assert statuses == Counter({201: 1, 409: 11})


def test_a_login_link_signs_in_once_under_concurrent_use(postgres_url: str, tmp_path: Any) -> None:
    import threading

    from agentcron.config import Settings
    from agentcron.errors import Unauthorized
    from agentcron.service import build_use_cases

    settings = Settings(_env_file=None, database_url=postgres_url, data_dir=tmp_path)  # type: ignore[call-arg]
    use_cases = build_use_cases(settings, load_agents=False)
    try:
        users = use_cases.users
        raw = users.issue_login_link(users.create("ada"))
        start = threading.Barrier(12)
        outcomes: list[str] = []

        def redeem() -> None:
            start.wait()
            try:
                users.redeem_login_link(raw)
                outcomes.append("signed in")
            except Unauthorized:
                outcomes.append("refused")

        threads = [threading.Thread(target=redeem) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        use_cases.close()
    assert Counter(outcomes) == Counter({"signed in": 1, "refused": 11})
