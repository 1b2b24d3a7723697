"""What `redact` masks, and what it leaves alone so errors stay readable."""

from __future__ import annotations

import pytest

from agentcron.agents.redact import configured_secrets, redact, url_secrets
from agentcron.agents.settings import (
    LLMSettings,
    OpenAISettings,
    ShellSettings,
    WebhookSettings,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "GET https://bob:pw1234@api.example.test/v1/x?key=abc&b=2#frag failed",
            "GET https://***@api.example.test/v1/x?***#*** failed",
        ),
        (
            "see http://127.0.0.1:9000/agent for details",
            "see http://127.0.0.1:9000/agent for details",
        ),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ("proxy sent basic dXNlcjpwYXNz, refused", "proxy sent basic ***, refused"),
        (
            '{"error": {"api_key": "sk-9", "client_secret": "s3"}}',
            '{"error": {"api_key": "***", "client_secret": "***"}}',
        ),
        ("retry with access_token=zzz&scope=all", "retry with access_token=***&scope=all"),
        ("X-Agentcron-Signature: sha256=ab12", "X-Agentcron-Signature: ***"),
    ],
)
def test_redact_masks_credentials_in_urls_headers_and_pairs(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "webhook @hook answered HTTP 500: Internal Server Error",
        "the token expired; the author was told",
        "openai @scout timed out after 30s",
        "",
    ],
)
def test_redact_leaves_ordinary_messages_alone(text: str) -> None:
    assert redact(text) == text


def test_given_secrets_are_masked_longest_first_but_not_when_trivially_short() -> None:
    assert redact("key sk-1 and sk-12 or ab", ["sk-1", "", "sk-12", "ab"]) == (
        "key *** and *** or ab"
    )


def test_secret_environment_values_are_masked_by_their_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPS_SERVICE_TOKEN", "tok-4d1e9a77")
    monkeypatch.setenv("DEBUG_TOKEN", "1")
    monkeypatch.setenv("SHORTCUT_HOME", "/srv/agents/home")

    text = "bad tok-4d1e9a77 at /srv/agents/home (debug 1)"

    assert redact(text) == "bad *** at /srv/agents/home (debug 1)"


def test_a_capability_url_gives_up_its_path_query_and_credentials() -> None:
    secrets = url_secrets("https://u:pw99@hooks.example.test/services/T01/XyZsecret9876?token=abc")

    assert {"pw99", "/services/T01/XyZsecret9876", "XyZsecret9876", "token=abc", "abc"} <= set(
        secrets
    )
    assert "hooks.example.test" not in secrets and "services" not in secrets
    for plain in ("http://127.0.0.1:11434/v1", "http://127.0.0.1:9000/api/notifications"):
        assert url_secrets(plain) == []


def test_configured_secrets_come_from_urls_headers_and_env_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_AUTH", "Token h00k")
    monkeypatch.setenv("HOOK_SIGNING", "whsec-1")
    monkeypatch.setenv("OPENAI_KEY", "sk-7")
    hook = WebhookSettings.model_validate(
        {
            "url": "http://127.0.0.1:9000/hook/SECRETPATH?token=abc",
            "headers": {"Authorization": "Bearer raw-77"},
            "headers_env": {"X-Auth": "HOOK_AUTH"},
            "secret_env": "HOOK_SIGNING",
        }
    )

    found = set(configured_secrets(hook))

    assert {"/hook/SECRETPATH", "SECRETPATH", "abc", "Bearer raw-77", "raw-77"} <= found
    assert {"Token h00k", "whsec-1"} <= found
    assert "sk-7" in configured_secrets(
        OpenAISettings(model="m", api_key_env="OPENAI_KEY")  # type: ignore[call-arg]
    )
    # A shell agent's `env` names variables passed through (PATH, HOME), not secrets.
    assert configured_secrets(ShellSettings(argv=["true"])) == []


def test_configured_secrets_reach_into_an_llm_agent_s_tool_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCOUT_GITHUB_TOKEN", "ghp-0123456789")
    monkeypatch.setenv("SCOUT_DEBUG", "1")
    monkeypatch.setenv("TOOLS_AUTH", "Bearer tools-42")
    scout = LLMSettings.model_validate(
        {
            "model": "m",
            "tools": [
                {
                    "command": ["srv"],
                    "env": {"GITHUB_TOKEN": "SCOUT_GITHUB_TOKEN", "D": "SCOUT_DEBUG"},
                },
                {"url": "http://127.0.0.1:9100/mcp?key=k-77", "headers_env": {"A": "TOOLS_AUTH"}},
            ],
        }
    )

    found = configured_secrets(scout)

    assert {"ghp-0123456789", "Bearer tools-42", "k-77"} <= set(found)
    assert "1" not in found
