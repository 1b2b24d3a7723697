"""`python -m bench.usage [--postgres URL] [--rows N]`: how long the usage query takes for a
user with a year of history (100,000 executions by default), per `group_by`, on SQLite and
(when given) PostgreSQL. Prints a markdown table for docs/benchmarks.md ("## Usage query").

The rows are what the engine leaves when runs end (20 schedules, 5 agents, 4 models, mixed
statuses, tokens, costs, some unpriced), written straight to a freshly migrated database; a
second user's 10,000 rows check that the query stays scoped. Each figure is the median of
5 calls to the usage service (the table and its total), after one warm-up call.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from agentcron.config import Settings
from agentcron.engine.clock import ManualClock
from agentcron.engine.events import EventBus
from agentcron.service.context import Services
from agentcron.service.usage import UsageService
from agentcron.service.users import UserService
from agentcron.store.database import Store, normalize_url
from agentcron.store.tables import Execution, ScheduledCommand, table_of

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
GROUPS = ("day", "agent", "schedule", "model")


class _Agents:
    def infos(self) -> list[Any]:
        return []

    def handles(self) -> list[str]:
        return []

    def settings_of(self, handle: str) -> None:
        return None


def _seed(store: Store, user_id: uuid.UUID, rows: int, rng: random.Random) -> None:
    agents = [f"agent{i}" for i in range(5)]
    models = ["openai:gpt-4o", "anthropic:claude", "acme:small", None]
    schedules = []
    with store.write() as session:
        for i in range(20):
            sid = uuid.uuid4()
            schedules.append((sid, agents[i % 5]))
            session.add(
                ScheduledCommand(
                    id=sid,
                    user_id=user_id,
                    agent_id=agents[i % 5],
                    command_text=f"@{agents[i % 5]} job {i}",
                    schedule_type="interval",
                    interval_value=1,
                    interval_unit="hours",
                    anchor_at=NOW - timedelta(days=400),
                    created_at=NOW,
                    updated_at=NOW,
                    enabled=False,
                )
            )
    table = table_of(Execution)
    start = NOW - timedelta(days=365)
    step = timedelta(days=365) / rows
    batch: list[dict[str, Any]] = []
    for n in range(rows):
        sid, agent = schedules[n % 20]
        status = rng.choices(["success", "failed", "timed_out", "skipped"], [85, 8, 2, 5])[0]
        ran = status != "skipped"
        model = rng.choice(models) if ran else None
        tin, tout = (rng.randint(200, 4000), rng.randint(20, 800)) if model else (0, 0)
        batch.append(
            {
                "id": uuid.uuid4(),
                "schedule_id": sid,
                "user_id": user_id,
                "agent_id": agent,
                "trigger": "schedule",
                "scheduled_for": start + step * n,
                "created_at": start + step * n,
                "status": status,
                "attempt": 1,
                "missed_count": 0,
                "duration_ms": rng.randint(300, 60_000) if ran else None,
                "tokens_used": tin + tout,
                "input_tokens": tin,
                "output_tokens": tout,
                "llm_calls": rng.randint(1, 5) if model else 0,
                "cost_usd": (tin * 2.5 + tout * 10) / 1e6
                if model and model != "acme:small"
                else None,
                "model": model,
            }
        )
        if len(batch) == 5000:
            with store.write() as session:
                session.execute(table.insert(), batch)
            batch = []
    if batch:
        with store.write() as session:
            session.execute(table.insert(), batch)


def _median(call: Any, times: int = 5) -> float:
    """Milliseconds, the median of `times` calls after one warm-up."""
    call()
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent) * 1000


def measure(url: str, rows: int, tmp: Path) -> dict[str, float]:
    store = Store(url)
    store.migrate()
    settings = Settings(database_url=url, data_dir=tmp, _env_file=None)  # type: ignore[call-arg]
    services = Services(
        settings=settings,
        store=store,
        clock=ManualClock(NOW),
        agents=_Agents(),
        bus=EventBus("bench"),
    )
    users = UserService(services)
    user, other = users.create("bench", "UTC"), users.create("other", "UTC")
    rng = random.Random(11)
    began = time.perf_counter()
    _seed(store, user.id, rows, rng)
    _seed(store, other.id, rows // 10, rng)
    if store.is_postgres:
        with store.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    print(f"  seeded {rows + rows // 10:,} rows in {time.perf_counter() - began:.1f} s")
    service = UsageService(services)
    first, last = (NOW - timedelta(days=365)).date(), NOW.date()
    figures: dict[str, float] = {}
    for group in GROUPS:
        assert service.table(user, first, last, group).total.runs == rows
        figures[group] = _median(lambda g=group: service.table(user, first, last, g))
    figures["daily series (charts)"] = _median(lambda: service.daily(user, first, last))
    by_schedule = service.table(user, first, last, "schedule")
    figures["insights"] = _median(lambda: service.insights(user, first, last, report=by_schedule))
    month = NOW.date() - timedelta(days=29)
    figures["schedule, last 30 days (the page's default)"] = _median(
        lambda: service.table(user, month, last, "schedule")
    )
    store.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a throwaway database is made")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        results["SQLite"] = measure(f"sqlite:///{tmp}/usage.db", args.rows, Path(tmp))
        if args.postgres:
            base = normalize_url(args.postgres)
            name = f"agentcron_usage_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                print("PostgreSQL")
                url = make_url(base).set(database=name).render_as_string(hide_password=False)
                results["PostgreSQL"] = measure(url, args.rows, Path(tmp))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    names = list(results)
    print()
    print("| group_by | " + " | ".join(f"{n} (ms)" for n in names) + " |")
    print("| --- | " + " | ".join("---:" for _ in names) + " |")
    for key in results[names[0]]:
        print(f"| {key} | " + " | ".join(f"{results[n][key]:.0f}" for n in names) + " |")


if __name__ == "__main__":
    main()
