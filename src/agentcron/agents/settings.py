"""What each backend may be configured with, and the table of backends by kind.

Settings are validated before any backend is imported: an unknown key is refused
(a typo must not silently drop a setting), and secrets are never values here,
only the names of environment variables that hold them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator, model_validator

_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
EnvName = Annotated[str, Field(pattern=_ENV_NAME)]
_RESERVED_HEADER = re.compile(r"^(x-agentcron-|content-type$|content-length$|host$)", re.I)


class BackendSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EchoSettings(BackendSettings):
    """Answers with the command itself: for trying agentcron out and for tests."""

    delay_s: float = Field(default=0.0, ge=0, le=3600)


class WebhookSettings(BackendSettings):
    url: AnyHttpUrl
    secret_env: EnvName | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    headers_env: dict[str, EnvName] = Field(default_factory=dict)
    timeout_s: float | None = Field(default=None, gt=0)

    @field_validator("headers", "headers_env")
    @classmethod
    def _not_ours(cls, value: dict[str, str]) -> dict[str, str]:
        reserved = sorted(name for name in value if _RESERVED_HEADER.match(name))
        if reserved:
            raise ValueError(
                f"headers set by agentcron cannot be overridden: {', '.join(reserved)}"
            )
        return value


class OpenAISettings(BackendSettings):
    base_url: AnyHttpUrl = AnyHttpUrl("https://api.openai.com/v1")
    model: str = Field(min_length=1)
    api_key_env: EnvName | None = None
    system_prompt: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    temperature: float | None = Field(default=None, ge=0, le=2)
    timeout_s: float | None = Field(default=None, gt=0)


class ToolServerSettings(BackendSettings):
    """An MCP server an llm agent may use: a program over stdio (`command`) or a URL.

    `env` maps a variable the program sees to the variable of agentcron's environment that
    holds its value; `headers_env` does the same for HTTP headers. Secrets never go in the file.
    """

    name: str | None = Field(default=None, min_length=1, max_length=64)
    command: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    env: dict[EnvName, EnvName] = Field(default_factory=dict)
    cwd: Path | None = None
    url: AnyHttpUrl | None = None
    headers_env: dict[str, EnvName] = Field(default_factory=dict)
    prefix: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
    """Put before every tool name (`prefix_tool`), when two servers offer tools of one name."""
    startup_timeout_s: float = Field(default=30.0, gt=0, le=600)

    @model_validator(mode="after")
    def _one_transport(self) -> Self:
        if (self.command is None) == (self.url is None):
            raise ValueError("give either command (a program over stdio) or url, not both")
        if self.url is not None and (self.env or self.cwd is not None):
            raise ValueError("env and cwd apply to a command; a url server takes headers_env")
        if self.command is not None and self.headers_env:
            raise ValueError("headers_env applies to a url; a command server takes env")
        return self

    @property
    def label(self) -> str:
        """How messages name the server: its `name`, else its program or its URL's host and path
        (never the URL's credentials or query string)."""
        if self.name:
            return self.name
        if self.command is not None:
            return " ".join([Path(self.command[0]).name, *self.command[1:]])[:64]
        parts = urlsplit(str(self.url))
        return f"{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


class LLMSettings(BackendSettings):
    """A model that may call tools, through pydantic-ai: any OpenAI-compatible server or Anthropic."""

    provider: Literal["openai", "anthropic"] = "openai"
    base_url: AnyHttpUrl | None = None
    """Default: OpenAI's or Anthropic's own API."""
    model: str = Field(min_length=1)
    api_key_env: EnvName | None = None
    system_prompt: str | None = None
    max_llm_calls: int = Field(default=10, gt=0, le=1000)
    """Model requests per execution; reaching it fails the run, without a retry."""
    max_tokens: int | None = Field(default=None, gt=0)
    """Input + output tokens per execution; reaching it fails the run, without a retry."""
    max_output_tokens: int | None = Field(default=None, gt=0)
    """Tokens of one model answer (the API's own `max_tokens`)."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    timeout_s: float | None = Field(default=None, gt=0)
    """One model request's timeout; default: the schedule's."""
    tools: list[ToolServerSettings] = Field(default_factory=list, max_length=20)


_DEFAULT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")


class ShellSettings(BackendSettings):
    """A program run with an argument list, never through a shell."""

    argv: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    cwd: Path | None = None
    env: tuple[EnvName, ...] = _DEFAULT_ENV
    """Variables passed through from agentcron's environment; nothing else leaks to the program."""
    retry_on_failure: bool = False


class PythonSettings(BackendSettings):
    target: str = Field(
        alias="callable",
        pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$",
        description="package.module:function",
    )


@dataclass(frozen=True, slots=True)
class Backend:
    settings: type[BackendSettings]
    target: str
    """`module:Class`, imported only when an agent of this kind is built, then constructed
    as `Class(handle, settings, deps)` (`agents.deps.AgentDeps`)."""
    runs_local_code: bool = False


BACKENDS: dict[str, Backend] = {
    "echo": Backend(EchoSettings, "agentcron.agents.echo:EchoAgent"),
    "webhook": Backend(WebhookSettings, "agentcron.agents.webhook:WebhookAgent"),
    "llm": Backend(LLMSettings, "agentcron.agents.llm:LLMAgent"),
    "openai": Backend(OpenAISettings, "agentcron.agents.openai:OpenAIAgent"),
    "shell": Backend(ShellSettings, "agentcron.agents.shell:ShellAgent", runs_local_code=True),
    "python": Backend(PythonSettings, "agentcron.agents.python:PythonAgent", runs_local_code=True),
}
