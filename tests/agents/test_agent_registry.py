from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agentcron.agents import (
    AgentConfigError,
    AgentContext,
    AgentError,
    AgentInfo,
    AgentRegistry,
    UnknownAgent,
    check_file,
)
from agentcron.agents.config import parse
from agentcron.agents.deps import AgentDeps
from agentcron.agents.signing import verify

EXAMPLE = Path(__file__).parents[2] / "agents.toml"

ECHOES = """
[agents.alice]
name = "Alice"
description = "Watches model deprecations"
backend = "echo"

[agents.bob]
backend = "echo"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(text)
    return path


def loaded(path: Path, **options: Any) -> AgentRegistry:
    registry = AgentRegistry(path, **options)
    registry.load()
    return registry


def test_the_example_file_loads_alice_bob_and_maya() -> None:
    registry = AgentRegistry(EXAMPLE)

    outcome = registry.load()

    assert outcome.ok
    assert outcome.handles == ["alice", "bob", "maya"]
    assert check_file(EXAMPLE) == []
    assert {info.backend for info in registry.infos()} == {"echo"}


def test_the_examples_commented_out_in_the_file_are_valid() -> None:
    text = EXAMPLE.read_text()
    uncommented = re.sub(r"(?m)^# (?=\[{1,2}agents\.|[a-z_]+ = )", "", text)

    specs = parse(tomllib.loads(uncommented), source=str(EXAMPLE))

    assert {spec.backend for spec in specs} == {
        "echo",
        "webhook",
        "llm",
        "openai",
        "shell",
        "python",
    }


@pytest.mark.parametrize("handle", ["alice", "Alice", "@ALICE", " @alice "])
def test_handles_are_found_in_any_case_with_or_without_at(tmp_path: Path, handle: str) -> None:
    registry = loaded(write(tmp_path, ECHOES))

    assert registry.get(handle).handle == "alice"


def test_an_unknown_handle_suggests_the_closest(tmp_path: Path) -> None:
    registry = loaded(write(tmp_path, ECHOES))

    with pytest.raises(UnknownAgent) as caught:
        registry.get("@alise")

    assert str(caught.value) == "no agent @alise; did you mean @alice?"
    assert (caught.value.handle, caught.value.suggestion) == ("alise", "alice")


def test_an_unknown_handle_without_a_close_one(tmp_path: Path) -> None:
    registry = loaded(write(tmp_path, ECHOES))

    with pytest.raises(UnknownAgent) as caught:
        registry.get("zed")

    assert str(caught.value) == "no agent @zed"
    assert caught.value.suggestion is None


def test_infos_show_name_description_and_backend_only(tmp_path: Path) -> None:
    registry = loaded(write(tmp_path, ECHOES))

    assert registry.infos() == [
        AgentInfo("alice", "Alice", "Watches model deprecations", "echo"),
        AgentInfo("bob", "Bob", "", "echo"),
    ]
    assert registry.handles() == ["alice", "bob"]


@pytest.mark.anyio
async def test_secrets_and_urls_never_reach_infos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", "whsec-abcdef123456")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-abcdef123456")
    path = write(
        tmp_path,
        """
[agents.hook]
backend = "webhook"
url = "http://deploy:hunter2@127.0.0.1:9000/agent?token=q-123"
secret_env = "HOOK_SECRET"
headers = { "X-Api-Key" = "static-key-987" }

[agents.alice]
backend = "openai"
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.2"
api_key_env = "OPENAI_API_KEY"
""",
    )
    registry = loaded(
        path, deps=AgentDeps(http_client_factory=lambda: httpx2.AsyncClient(trust_env=False))
    )

    shown = repr(registry.infos())
    await registry.aclose()

    for secret in ["hunter2", "q-123", "static-key-987", "whsec-", "sk-live", "127.0.0.1", "HOOK_"]:
        assert secret not in shown
    assert registry.infos() == [
        AgentInfo("alice", "Alice", "", "openai"),
        AgentInfo("hook", "Hook", "", "webhook"),
    ]


def test_a_missing_file_gives_an_empty_registry_and_says_so(tmp_path: Path) -> None:
    registry = AgentRegistry(tmp_path / "agents.toml")

    outcome = registry.load()

    assert outcome.ok
    assert outcome.handles == []
    assert "agents.toml not found" in outcome.message
    with pytest.raises(UnknownAgent, match=r"no agent @alice; .*agents.toml not found"):
        registry.get("alice")


def test_no_file_configured_means_no_agents() -> None:
    registry = AgentRegistry(None)

    assert registry.load().ok
    assert registry.infos() == []
    assert not registry.reload().ok


def test_load_refuses_a_broken_file_with_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, '[agents.hook]\nbackend = "webhook"\n\n[agents.x]\nbackend = "?"\n')

    with pytest.raises(AgentConfigError) as caught:
        AgentRegistry(path).load()

    assert caught.value.problems == [
        f"{path}: [agents.hook] url is required for the webhook backend",
        f"{path}: [agents.x] unknown backend '?' (one of echo, webhook, llm, openai, shell, python)",
    ]


def test_reload_picks_up_changes(tmp_path: Path) -> None:
    path = write(tmp_path, ECHOES)
    registry = loaded(path)

    path.write_text(ECHOES + '\n[agents.maya]\nbackend = "echo"\n')
    outcome = registry.reload()

    assert outcome.ok
    assert outcome.handles == ["alice", "bob", "maya"]
    assert registry.get("maya").handle == "maya"


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("[agents.alice\n", "invalid TOML"),
        ('[agents.hook]\nbackend = "webhook"\n', "[agents.hook] url is required for the webhook"),
    ],
)
@pytest.mark.anyio
async def test_reload_with_a_broken_file_keeps_the_last_good_agents(
    tmp_path: Path, broken: str, problem: str, context: Callable[..., AgentContext]
) -> None:
    path = write(tmp_path, ECHOES)
    registry = loaded(path)
    alice = registry.get("alice")

    path.write_text(broken)
    outcome = registry.reload()

    assert not outcome.ok
    assert problem in outcome.message
    assert str(path) in outcome.message
    assert "keeping the last good agents" in outcome.message
    assert outcome.handles == ["alice", "bob"]
    assert registry.get("alice") is alice
    result = await registry.get("bob").run(context("@bob still here", handle="bob"))
    assert result.output == "still here"


def test_reload_after_the_file_disappears_keeps_the_agents(tmp_path: Path) -> None:
    path = write(tmp_path, ECHOES)
    registry = loaded(path)

    path.unlink()
    outcome = registry.reload()

    assert not outcome.ok
    assert "file not found" in outcome.message
    assert registry.handles() == ["alice", "bob"]


def test_code_backends_can_be_switched_off(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[agents.ops]\nbackend = "shell"\nargv = ["/bin/true"]\n\n'
        '[agents.py]\nbackend = "python"\ncallable = "tests.agents.sample_callables:reply_none"\n',
    )

    assert loaded(path).handles() == ["ops", "py"]
    with pytest.raises(AgentConfigError) as caught:
        loaded(path, allow_code_backends=False)
    assert caught.value.problems == [
        f"{path}: [agents.ops] the shell backend is disabled on this server",
        f"{path}: [agents.py] the python backend is disabled on this server",
    ]
    assert len(check_file(path, allow_code_backends=False)) == 2


def test_check_file_imports_python_callables(tmp_path: Path) -> None:
    target = "tests.agents.sample_callables:nope"
    path = write(tmp_path, f'[agents.py]\nbackend = "python"\ncallable = "{target}"\n')

    [problem] = check_file(path)

    assert problem.startswith(f"{path}: [agents.py] cannot import {target}: AttributeError")


def test_check_file_reports_syntax_and_settings_problems(tmp_path: Path) -> None:
    assert check_file(write(tmp_path, "agents = 3\n")) == [
        f"{tmp_path / 'agents.toml'}: 'agents' must be a table of [agents.<handle>]"
    ]


def test_backends_are_imported_only_when_configured(tmp_path: Path) -> None:
    path = write(tmp_path, ECHOES)
    code = (
        "import sys; from pathlib import Path; from agentcron.agents import AgentRegistry\n"
        f"AgentRegistry(Path({str(path)!r})).load()\n"
        "print(sorted(m for m in sys.modules if m.startswith('agentcron.agents.')))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert "agentcron.agents.echo" in shown
    for backend in ["shell", "python", "webhook", "openai"]:
        assert f"agentcron.agents.{backend}'" not in shown


@pytest.mark.anyio
async def test_http_agents_share_one_client_that_the_registry_closes(
    tmp_path: Path,
    server: Any,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_SECRET", "whsec-registry")
    server.respond(200, {"summary": "done", "tokens_used": 7, "llm_calls": 1})
    path = write(
        tmp_path,
        f"""
[agents.hook]
backend = "webhook"
url = "{server.url}/agent"
secret_env = "HOOK_SECRET"

[agents.hook2]
backend = "webhook"
url = "{server.url}/other"
""",
    )
    made: list[httpx2.AsyncClient] = []

    def factory() -> httpx2.AsyncClient:
        made.append(httpx2.AsyncClient(trust_env=False))
        return made[-1]

    registry = loaded(path, deps=AgentDeps(http_client_factory=factory))
    registry.reload()
    try:
        result = await registry.get("@Hook").run(context("@hook go"))
        await registry.get("hook2").run(context("@hook2 go", handle="hook2"))
    finally:
        await registry.aclose()

    assert (result.summary, result.tokens_used, result.llm_calls) == ("done", 7, 1)
    assert len(made) == 1
    assert made[0].is_closed
    first = server.received[0]
    assert first.json()["command"] == "go"
    assert verify(
        "whsec-registry", first.headers, first.body, now=int(first.headers["X-Agentcron-Timestamp"])
    )


def test_echo_only_registry_never_makes_an_http_client(tmp_path: Path) -> None:
    def factory() -> httpx2.AsyncClient:
        raise AssertionError("no HTTP agent is configured")

    assert loaded(
        write(tmp_path, ECHOES), deps=AgentDeps(http_client_factory=factory)
    ).handles() == [
        "alice",
        "bob",
    ]


LEAKY_AGENTS = """
[agents.pyleak]
backend = "python"
callable = "tests.agents.sample_callables:leak_password"

[agents.pyfail]
backend = "python"
callable = "tests.agents.sample_callables:fail_quoting_a_url"

[agents.shleak]
backend = "shell"
argv = ["{python}", "-c", "import sys; sys.exit('push to https://ci:{token}@git.test/r.git?t=1')"]
"""


@pytest.mark.anyio
async def test_every_backend_s_failure_is_masked_by_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, context: Callable[..., AgentContext]
) -> None:
    monkeypatch.setenv("OPS_DB_PASSWORD", "pg-pass-5150")
    registry = loaded(write(tmp_path, LEAKY_AGENTS.format(python=sys.executable, token="ghp-Q8x")))

    with pytest.raises(AgentError) as python_error:
        await registry.get("pyleak").run(context("@pyleak go", handle="pyleak"))
    failed = await registry.get("pyfail").run(context("@pyfail go", handle="pyfail"))
    with pytest.raises(AgentError) as shell_error:
        await registry.get("shleak").run(context("@shleak go", handle="shleak"))

    assert python_error.value.message.endswith("raised RuntimeError: login refused for ***")
    assert str(python_error.value) == python_error.value.message
    assert failed.summary == "upload to https://***@x.test/p?*** failed"
    assert shell_error.value.message.endswith(
        "exited with status 1: push to https://***@git.test/r.git?***"
    )
