"""Reading the agents file: every problem named with the file and the agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentcron.agents.config import AgentConfigError, read_file
from agentcron.agents.settings import LLMSettings, ShellSettings, WebhookSettings


def problems_in(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "agents.toml"
    path.write_text(text)
    with pytest.raises(AgentConfigError) as caught:
        read_file(path)
    prefix = f"{path}: "
    assert all(line.startswith(prefix) for line in caught.value.problems)
    return [line.removeprefix(prefix) for line in caught.value.problems]


def test_defaults_name_from_handle_and_description_empty(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text('[agents.ops-bot]\nbackend = "echo"\n')

    [spec] = read_file(path)

    assert (spec.handle, spec.name, spec.description, spec.backend) == (
        "ops-bot",
        "Ops-Bot",
        "",
        "echo",
    )


def test_settings_are_validated_per_backend(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text(
        '[agents.Hook]\nbackend = "webhook"\nurl = "http://127.0.0.1:9000/agent"\n'
        'secret_env = "HOOK_SECRET"\nheaders_env = { Authorization = "HOOK_AUTH" }\n'
    )

    [spec] = read_file(path)

    assert spec.handle == "hook"
    assert isinstance(spec.settings, WebhookSettings)
    assert spec.settings.secret_env == "HOOK_SECRET"
    assert spec.settings.headers_env == {"Authorization": "HOOK_AUTH"}


def test_a_required_key_is_named_with_file_agent_and_backend(tmp_path: Path) -> None:
    text = '[agents.hook]\nbackend = "webhook"\nsecret_env = "HOOK_SECRET"\n'

    assert problems_in(tmp_path, text) == ["[agents.hook] url is required for the webhook backend"]


def test_unknown_keys_are_refused_listing_the_known_ones(tmp_path: Path) -> None:
    text = '[agents.alice]\nbackend = "openai"\nmodel = "llama3.2"\napi_key = "sk-123"\n'

    [problem] = problems_in(tmp_path, text)

    assert problem.startswith("[agents.alice] unknown key api_key for the openai backend (known: ")
    assert "api_key_env" in problem
    assert "sk-123" not in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = """
title = "mine"

[agents.1bad]
backend = "echo"

[agents.nobackend]
name = "No backend"

[agents.weird]
backend = "carrier-pigeon"

[agents.hook]
backend = "webhook"
url = "ftp://127.0.0.1/agent"

[agents.ops]
backend = "shell"
argv = []
retry_on_failure = "sometimes"

[agents.py]
backend = "python"
callable = "not a target"

[agents.echo]
backend = "echo"
name = 7

[agents.alice]
backend = "echo"

[agents.ALICE]
backend = "echo"
"""
    problems = problems_in(tmp_path, text)

    assert problems[0] == ("unknown top-level key 'title'; agents go under [agents.<handle>]")
    assert problems[1].startswith("[agents.1bad] handle must be a letter")
    assert problems[2] == (
        "[agents.nobackend] backend is required (one of echo, webhook, llm, openai, shell, python)"
    )
    assert problems[3] == (
        "[agents.weird] unknown backend 'carrier-pigeon' (one of echo, webhook, llm, openai, shell, python)"
    )
    assert problems[4].startswith("[agents.hook] url: URL scheme should be 'http' or 'https'")
    assert problems[5].startswith("[agents.ops] argv: List should have at least 1 item")
    assert problems[6].startswith("[agents.ops] retry_on_failure: Input should be a valid boolean")
    assert problems[7].startswith("[agents.py] callable: String should match pattern")
    assert problems[8] == "[agents.echo] name must be a string"
    assert problems[9] == "[agents.ALICE] duplicates @alice (handles ignore case)"
    assert len(problems) == 10


def test_headers_cannot_override_the_signature(tmp_path: Path) -> None:
    text = (
        '[agents.hook]\nbackend = "webhook"\nurl = "http://127.0.0.1:9/x"\n'
        'headers = { "X-Agentcron-Signature" = "sha256=forged" }\n'
    )

    [problem] = problems_in(tmp_path, text)

    assert problem.startswith("[agents.hook] headers: Value error, headers set by agentcron")


def test_invalid_toml_says_where(tmp_path: Path) -> None:
    [problem] = problems_in(tmp_path, "[agents.alice\nbackend = 'echo'\n")

    assert problem.startswith("invalid TOML: ")
    assert "line 1" in problem


def test_a_missing_file_is_a_problem_for_read_file(tmp_path: Path) -> None:
    with pytest.raises(AgentConfigError, match="file not found"):
        read_file(tmp_path / "nope.toml")


def test_shell_defaults_pass_only_harmless_variables() -> None:
    settings = ShellSettings.model_validate({"argv": ["/bin/true"]})

    assert settings.env == ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
    assert settings.retry_on_failure is False


def test_an_llm_agent_with_tools_reads_as_in_the_issue(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text(
        """
[agents.scout]
backend = "llm"
provider = "openai"
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.2"
api_key_env = "OPENAI_API_KEY"
system_prompt = "You are a careful release engineer."
max_llm_calls = 10
max_tokens = 50000
[[agents.scout.tools]]
command = ["python", "-m", "my_tools"]
env = { API_TOKEN_ENV = "MY_TOOLS_TOKEN" }
[[agents.scout.tools]]
url = "http://user:pw@127.0.0.1:9100/mcp?key=k"
headers_env = { Authorization = "TOOLS_AUTH" }
"""
    )

    [spec] = read_file(path)

    assert isinstance(spec.settings, LLMSettings)
    assert (spec.settings.max_llm_calls, spec.settings.max_tokens) == (10, 50000)
    stdio, http = spec.settings.tools
    assert (stdio.command, stdio.env, stdio.label) == (
        ["python", "-m", "my_tools"],
        {"API_TOKEN_ENV": "MY_TOOLS_TOKEN"},
        "python -m my_tools",
    )
    assert http.label == "127.0.0.1:9100/mcp"  # never the URL's credentials or query


def test_llm_defaults_are_ten_calls_and_no_token_limit() -> None:
    settings = LLMSettings(model="gpt-4o")

    assert (settings.provider, settings.max_llm_calls, settings.max_tokens) == ("openai", 10, None)
    assert settings.tools == []


@pytest.mark.parametrize(
    ("tool", "problem"),
    [
        ('{ command = ["t"], url = "http://127.0.0.1:1/mcp" }', "either command"),
        ("{ }", "either command"),
        ('{ url = "http://127.0.0.1:1/mcp", env = { A = "B" } }', "env and cwd apply"),
        ('{ command = ["t"], headers_env = { A = "B" } }', "headers_env applies to a url"),
        ('{ command = ["t"], env = { A = "not a name" } }', "env.A"),
        ('{ command = ["t"], token = "x" }', "token"),
    ],
)
def test_a_tool_server_is_one_of_command_or_url(tmp_path: Path, tool: str, problem: str) -> None:
    text = f'[agents.scout]\nbackend = "llm"\nmodel = "m"\ntools = [{tool}]\n'

    [line] = problems_in(tmp_path, text)

    assert "tools.0" in line
    assert problem in line


def test_an_unknown_key_of_a_tool_server_lists_the_tool_servers_keys(tmp_path: Path) -> None:
    text = '[agents.scout]\nbackend = "llm"\nmodel = "m"\n[[agents.scout.tools]]\nurl = "http://127.0.0.1:1/mcp"\nheaders = { A = "b" }\n'

    [line] = problems_in(tmp_path, text)

    assert line.startswith("[agents.scout] unknown key tools.0.headers for the llm backend")
    assert "(known: name, command, env, cwd, url, headers_env, prefix, startup_timeout_s)" in line
