"""SQLite with a busy engine and concurrent API writers: nobody sees "database is locked"
as an error; every request answers, none with a 5xx."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from agentcron.store.database import Store
from agentcron.store.tables import Execution
from tests.engine.test_processes import _seed_once_schedules
from tests.reliability.conftest import token_for
from tests.support.live import LiveServer
from tests.support.processes import wait_for

pytestmark = pytest.mark.slow


def test_concurrent_writes_beside_a_busy_engine_never_fail(
    sqlite_url: str, make_server_app
) -> None:
    store = Store(sqlite_url)
    burst = 3000
    _seed_once_schedules(store, "@alice burst", [datetime.now(UTC)] * burst)
    app = make_server_app(sqlite_url, write_rate_per_minute=100_000, runner_concurrency=100)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with LiveServer(app) as server:
        tokens = [token_for(app, f"writer{i}") for i in range(6)]

        def writer(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                for i in range(25):
                    created = client.post(
                        "/api/scheduled-commands",
                        json={
                            "command_text": f"@bob job {i}",
                            "schedule_type": "interval",
                            "interval_value": 5,
                            "interval_unit": "minutes",
                        },
                    )
                    results = [created.status_code]
                    if created.status_code == 201:
                        sid = created.json()["id"]
                        results.append(
                            client.patch(
                                f"/api/scheduled-commands/{sid}", json={"description": "x"}
                            ).status_code
                        )
                        results.append(
                            client.post(f"/api/scheduled-commands/{sid}/execute").status_code
                        )
                        results.append(
                            client.get(f"/api/scheduled-commands/{sid}/executions").status_code
                        )
                        if i % 2:
                            results.append(
                                client.delete(f"/api/scheduled-commands/{sid}").status_code
                            )
                    with lock:
                        statuses.update(results)

        threads = [threading.Thread(target=writer, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        wait_for(lambda: _finished(store) >= burst, 120, "the burst to finish", poll=0.2)
    store.dispose()
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[201] == 6 * 25 and statuses[202] == 6 * 25


def _finished(store: Store) -> int:
    with store.read() as session:
        return (
            session.scalar(
                select(func.count()).select_from(Execution).where(Execution.status == "success")
            )
            or 0
        )


def test_service_refuses_to_run_the_engine_on_a_database_that_is_behind(
    tmp_path, make_server_app
) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    app = make_server_app(url)
    with LiveServer(app) as server:
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 503
        assert "agentcron migrate" in ready.json()["detail"]
        assert app.state.runtime.state.running is False
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        listed = httpx.get(
            f"{server.url}/api/scheduled-commands",
            headers={"Authorization": f"Bearer acr_{uuid.uuid4().hex}"},
        )
        assert listed.status_code == 503
        assert listed.headers["content-type"].startswith("application/problem+json")
