"""What every scenario shares: the run context, engine processes in-process, result rows."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.databases import Database, Databases, write_agents

# Engine settings the benchmarks run with unless --setting overrides them. They are the
# shipped defaults; `docs/benchmarks.md` lists what a run used.
BENCH_SETTINGS: dict[str, Any] = {}


@dataclass
class Context:
    workdir: Path
    databases: Databases
    quick: bool = False
    smoke: bool = False
    rounds: int = 3
    dbs: tuple[str, ...] = ("sqlite", "postgres")
    peers: bool = True
    apscheduler_sqlite_defaults: bool = False  # also APScheduler on SQLite's own settings
    settings: dict[str, Any] = field(default_factory=dict)
    sizes: tuple[int, ...] | None = None
    log: Callable[[str], None] = print

    @property
    def agents_file(self) -> Path:
        path = self.workdir / "agents.toml"
        if not path.exists():
            write_agents(self.workdir)
        return path

    def engine_settings(self, **extra: Any) -> dict[str, Any]:
        return {**BENCH_SETTINGS, **self.settings, **extra}

    def fresh(self, kind: str, *, migrated: bool = True) -> Database:
        return self.databases.fresh(kind, migrated=migrated)


def settings_for(spec: dict[str, Any]) -> Any:
    from agentcron.config import Settings

    return Settings(
        database_url=spec["url"],
        agents_file=Path(spec["agents_file"]),
        data_dir=Path(spec["workdir"]),
        secret_key="bench",
        log_level="WARNING",
        **spec.get("settings", {}),
    )


async def start_engine(spec: dict[str, Any]) -> Any:
    """What `agentcron worker` runs (build_use_cases + start), inside this process, so the
    run can watch the recorder and the agent's own notes. Returns the use cases."""
    from agentcron.service import build_use_cases

    logging.basicConfig(level=logging.WARNING)
    use_cases = build_use_cases(settings_for(spec), role="worker")
    await use_cases.start(run_engine=True)
    if not use_cases.engine_state.running:
        raise RuntimeError(use_cases.engine_state.refusal or "the engine did not start")
    return use_cases


async def wait_for(condition: Callable[[], bool], timeout_s: float, poll_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(poll_s)
    return True


def label(run: dict[str, Any]) -> str:
    system = run["system"]
    return system if system == "apscheduler-memory" else f"{system} ({run['db']})"
