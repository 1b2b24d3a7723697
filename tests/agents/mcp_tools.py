"""A real MCP server for the llm backend's tests, written with the official `mcp` SDK.

    python tests/agents/mcp_tools.py                          stdio
    python tests/agents/mcp_tools.py --http PORT HEADERS_LOG  streamable HTTP on 127.0.0.1:PORT,
                                                              each request's headers logged as JSON

With MCP_PID_FILE set it writes its process id there first, so a test can check that the
server is gone after a run. Always its own process: building an MCP server configures the
logging of the process it is in.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("release-tools")


@mcp.tool()
def deprecations(vendor: str) -> str:
    """List the deprecated models of a vendor."""
    return f"{vendor}: gpt-x retires 2026-06-01"


@mcp.tool()
def explode() -> str:
    """Always fails."""
    raise RuntimeError("the deprecation feed is down")


@mcp.tool()
def whoami(password: str = "") -> str:
    """Tells which token the server was started with."""
    return f"signed in with {os.environ.get('TOOLS_TOKEN', 'nothing')}"


@mcp.tool()
def crash() -> str:
    """Takes the whole server down."""
    os._exit(70)


@mcp.tool()
async def wait_forever() -> str:
    """Never answers (and says it has been called, beside MCP_PID_FILE)."""
    pid_file = os.environ.get("MCP_PID_FILE")
    if pid_file:
        with open(f"{pid_file}.called", "w"):
            pass
    await anyio.sleep(3600)
    return "too late"


def serve_http(port: int, headers_log: str) -> None:
    import uvicorn

    app = mcp.streamable_http_app()

    async def logging_headers(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            with open(headers_log, "a") as log:
                log.write(json.dumps(headers) + "\n")
        await app(scope, receive, send)

    uvicorn.run(logging_headers, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    pid_file = os.environ.get("MCP_PID_FILE")
    if pid_file:
        with open(pid_file, "w") as out:
            out.write(str(os.getpid()))
    if sys.argv[1:2] == ["--http"]:
        serve_http(int(sys.argv[2]), sys.argv[3])
    else:
        mcp.run()
