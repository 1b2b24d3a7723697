"""`max_concurrency` and `rate_per_minute` in the agents file: common keys of every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentcron.agents import AgentRegistry
from agentcron.agents.config import AgentConfigError, read_file
from agentcron.agents.limits import AgentLimits


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(text)
    return path


def test_limits_are_read_for_any_backend_and_listed_by_the_registry(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[agents.alice]\nbackend = "echo"\nmax_concurrency = 50\nrate_per_minute = 600\n'
        '[agents.hook]\nbackend = "webhook"\nurl = "http://127.0.0.1:9/agent"\n'
        "rate_per_minute = 10\n"
        '[agents.bob]\nbackend = "echo"\n',
    )
    specs = {spec.handle: spec for spec in read_file(path)}
    assert specs["alice"].limits == AgentLimits(50, 600)
    assert specs["hook"].limits == AgentLimits(None, 10)
    assert specs["bob"].limits == AgentLimits()
    registry = AgentRegistry(path)
    registry.load()
    assert dict(registry.limits()) == {
        "alice": AgentLimits(50, 600),
        "hook": AgentLimits(None, 10),
    }


@pytest.mark.parametrize("value", ["0", "-1", "2.5", '"ten"', "true", "2000000"])
def test_a_bad_limit_names_the_agent_the_key_and_what_is_allowed(
    tmp_path: Path, value: str
) -> None:
    path = _write(tmp_path, f'[agents.alice]\nbackend = "echo"\nmax_concurrency = {value}\n')
    with pytest.raises(AgentConfigError) as caught:
        read_file(path)
    [problem] = caught.value.problems
    assert "[agents.alice] max_concurrency must be a whole number from 1 to 1,000,000" in problem


def test_a_reload_changes_the_limits_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, '[agents.alice]\nbackend = "echo"\nmax_concurrency = 2\n')
    registry = AgentRegistry(path)
    registry.load()
    assert registry.limits()["alice"].max_concurrency == 2
    path.write_text('[agents.alice]\nbackend = "echo"\n')
    assert registry.reload().ok
    assert dict(registry.limits()) == {}
