"""The tools an llm agent may call: its MCP servers, and `notify_user`.

Each attempt starts its own stdio servers and opens its own sessions to URL
servers, and closes them when it ends, however it ends: a cancelled attempt
(the runner's timeout) stops its servers' whole process groups before `run`
returns (the MCP SDK's stdio client does the killing, shielded from the
cancellation). A server that cannot be started, reached or asked for its tools
fails the attempt with a retryable error that names it, with the end of what
it printed on stderr.

A stdio server sees only a few basic variables (`PATH`, `HOME`…, the MCP SDK's
choice) and those its `env` maps; a URL server is reached through agentcron's
HTTP client with the headers its `headers_env` maps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from collections.abc import Generator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, TextIO

import httpx2
from pydantic_ai.toolsets import AbstractToolset, FunctionToolset

from agentcron.agents.base import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.httpcall import BACKSTOP_S, secret_from_env
from agentcron.agents.results import MESSAGE_LIMIT, redact, shorten, tail
from agentcron.agents.settings import ToolServerSettings

if TYPE_CHECKING:
    from pydantic_ai.mcp import MCPToolset

STDERR_TAIL = 4096
MASKED_MIN = 8
"""A server's variables are masked in what agentcron keeps, unless too short to be a secret:
masking a `1` or a `true` would garble every answer."""


class _Headers(httpx2.Auth):
    """Sets a URL server's headers on each request through the shared client, whose own
    defaults stay untouched for every other caller."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        request.headers.update(self._headers)
        yield request


async def open_tool_servers(
    stack: AsyncExitStack,
    servers: list[ToolServerSettings],
    *,
    deps: AgentDeps,
    context: AgentContext,
    what: str,
    secrets: list[str],
) -> list[AbstractToolset[Any]]:
    """Start or connect every server and list its tools; `stack` closes them all.

    The values read from the environment are appended to `secrets`, for masking.
    """
    toolsets: list[AbstractToolset[Any]] = []
    for server in servers:
        stderr = stack.enter_context(
            tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115 (closed by the stack)
        )
        toolset = _toolset(
            server, deps=deps, context=context, what=what, secrets=secrets, stderr=stderr
        )
        try:
            async with asyncio.timeout(server.startup_timeout_s):
                await stack.enter_async_context(toolset)
                await toolset.list_tools()
        except (Exception, TimeoutError) as exc:
            raise _start_failure(server, exc, stderr, secrets) from None
        toolsets.append(toolset.prefixed(server.prefix) if server.prefix else toolset)
    return toolsets


def _toolset(
    server: ToolServerSettings,
    *,
    deps: AgentDeps,
    context: AgentContext,
    what: str,
    secrets: list[str],
    stderr: TextIO,
) -> MCPToolset[Any]:
    # Imported here: the MCP client takes a second to import, and agents without tools skip it.
    from fastmcp.client.transports import StdioTransport
    from pydantic_ai.mcp import MCPToolset

    _into_our_logs(logging.getLogger("fastmcp"))

    purpose = f"{what} tool server {server.label}"
    options: dict[str, Any] = {
        "id": server.name,
        # A failing tool is reported to the model, which may adapt; a run of failures is
        # bounded by max_llm_calls, not by a retry count that would end the run.
        "tool_error_behavior": "failed",
        "init_timeout": server.startup_timeout_s,
        "read_timeout": context.timeout_s + BACKSTOP_S,
    }
    if server.command is not None:
        env = {}
        for name, source in server.env.items():
            env[name] = secret_from_env(source, purpose=f"{purpose} variable {name}")
            if len(env[name]) >= MASKED_MIN:
                secrets.append(env[name])
        transport = StdioTransport(
            server.command[0],
            server.command[1:],
            env=env,
            cwd=str(server.cwd) if server.cwd else None,
            keep_alive=False,
            log_file=stderr,
        )
        return MCPToolset(transport, **options)
    headers = {}
    for header, source in server.headers_env.items():
        headers[header] = secret_from_env(source, purpose=f"{purpose} header {header}")
        secrets.append(headers[header])
    auth = _Headers(headers) if headers else None
    return MCPToolset(str(server.url), http_client=deps.http, auth=auth, **options)


def _into_our_logs(logger: logging.Logger) -> None:
    """FastMCP gives its logger a console handler of its own when imported; its lines belong
    in agentcron's logs, formatted (plain or JSON) like every other."""
    if not logger.propagate:
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def _start_failure(
    server: ToolServerSettings, exc: BaseException, stderr: TextIO, secrets: list[str]
) -> AgentError:
    if isinstance(exc, TimeoutError):
        reason = f"did not start within {server.startup_timeout_s:g} s"
    else:
        reason = f"failed to start: {type(exc).__name__}: {exc}".rstrip(": ")
    message = f"tool server {server.label} {reason}"
    printed = tail(_stderr_tail(stderr), 1000)
    if printed:
        message += f"; it printed: {printed}"
    return AgentError(
        shorten(redact(message, secrets), MESSAGE_LIMIT), retryable=True, code="tool_server"
    )


def _stderr_tail(stderr: TextIO) -> str:
    """The end of what a stdio server wrote, read without moving the offset it shares."""
    with contextlib.suppress(OSError, ValueError):
        fd = stderr.fileno()
        size = os.fstat(fd).st_size
        start = max(0, size - STDERR_TAIL)
        return os.pread(fd, size - start, start).decode("utf-8", "replace")
    return ""


def notify_toolset(messages: list[str]) -> FunctionToolset[Any]:
    """`notify_user(message)`: the agent asks agentcron to tell the user something."""

    def notify_user(message: str) -> str:
        """Tell the user something that needs their attention now (a deadline, a failure,
        a decision to take). Use it rarely: your final answer is always kept anyway.

        Args:
            message: What to tell the user, in one or two sentences.
        """
        messages.append(message.strip())
        return "The user will be notified."

    return FunctionToolset([notify_user], id="agentcron")
