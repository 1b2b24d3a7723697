"""PostgreSQL goes away in the middle of a burst: connections killed by the server
(`pg_terminate_backend`) and the network cut (a proxy that drops every connection and
refuses new ones). Workers and the API reconnect; /readyz says so while it lasts; no slot
is lost or fired twice; no process exits."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from agentcron.store.database import Store
from agentcron.store.tables import Execution
from tests.engine.test_processes import _seed_once_schedules
from tests.support.live import free_port
from tests.support.processes import AGENTCRON, ROOT, agentcron_env, start_worker, wait_for
from tests.support.proxy import FaultyProxy
from tests.support.world import write_agents

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _finished(store: Store) -> int:
    with store.read() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Execution)
                .where(Execution.status.in_(["success", "failed"]))
            )
            or 0
        )


def _kill_backends(database_url: str) -> int:
    name = make_url(database_url).database
    admin = create_engine(
        make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).all()
            )
    finally:
        admin.dispose()


def _ready(url: str) -> int:
    try:
        return httpx.get(f"{url}/readyz", timeout=5).status_code
    except httpx.HTTPError:
        return 0


def test_postgres_outage_mid_burst_loses_nothing_and_fires_nothing_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    store = Store(postgres_url)
    total = 1500
    start = datetime.now(UTC) + timedelta(seconds=2)
    _seed_once_schedules(
        store, "@sleeper work 0.05", [start + timedelta(milliseconds=4 * i) for i in range(total)]
    )
    with FaultyProxy() as proxy:
        via_proxy = proxy.url(postgres_url)
        env = agentcron_env(
            via_proxy,
            write_agents(tmp_path),
            lease_s=10,
            heartbeat_s=1,
            recovery_interval_s=1,
            retry_backoff_base_s=0.2,
            retry_backoff_max_s=1,
            loop_ceiling_s=0.5,
            runner_concurrency=40,
            claim_batch_size=40,
            log_level="WARNING",
        )
        port = free_port()
        api_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [AGENTCRON, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=(tmp_path / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
        processes = [server, *workers]
        try:
            wait_for(lambda: _ready(api_url) == 200, 30, "the API to be ready")
            wait_for(lambda: _finished(store) >= total * 0.2, 60, "a fifth of the burst")
            assert _kill_backends(postgres_url) > 0  # the server drops every connection
            wait_for(lambda: _finished(store) >= total * 0.4, 60, "work to resume after the kill")

            proxy.cut()  # the network goes: nothing connects for a while
            wait_for(lambda: _ready(api_url) == 503, 15, "/readyz to report the outage")
            time.sleep(2)
            assert all(p.poll() is None for p in processes), "no process may exit"
            proxy.restore()
            wait_for(lambda: _ready(api_url) == 200, 30, "/readyz to recover")
            wait_for(lambda: _finished(store) >= total, 120, "every slot to finish", poll=0.2)
            assert all(p.poll() is None for p in processes), "no process may exit"
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
    with store.read() as session:
        per_schedule = session.execute(
            select(Execution.schedule_id, func.count()).group_by(Execution.schedule_id)
        ).all()
        statuses = dict(
            session.execute(select(Execution.status, func.count()).group_by(Execution.status)).all()
        )
    store.dispose()
    assert len(per_schedule) == total, "a slot was lost"
    assert max(count for _, count in per_schedule) == 1, "a slot fired twice"
    assert statuses == {"success": total}


def test_a_browser_page_during_an_outage_is_an_html_page_with_its_headers(
    postgres_url: str, make_server_app: Any
) -> None:
    # The database goes away while someone is signed in: the UI answers with its own error
    # page (HTML, 503, Retry-After, the security headers), never a JSON body or a 500.
    from agentcron.service.users import UserService
    from agentcron.web.routing import CSP
    from tests.support.live import LiveServer

    with FaultyProxy() as proxy:
        app = make_server_app(proxy.url(postgres_url), engine_enabled=False)
        with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
            users = UserService(app.state.runtime.services)
            link = users.issue_login_link(users.create("ada"))
            assert client.get(f"/login/link?token={link}").status_code in (200, 303)
            assert client.get("/schedules").status_code == 200
            proxy.cut()
            page = client.get("/schedules", headers={"Accept": "text/html"})
            api = client.get("/readyz")
            proxy.restore()
            again = client.get("/schedules")
    assert page.status_code == 503, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"] == CSP
    assert page.headers["Retry-After"] == "5"
    assert "database is unavailable" in page.text
    assert api.status_code == 503
    assert again.status_code == 200
