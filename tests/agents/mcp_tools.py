"""A real MCP server for the llm backend's tests, written with the official `mcp` SDK.

Run as a program it serves stdio (`python tests/agents/mcp_tools.py`); `mcp.streamable_http_app()`
serves the same tools over streamable HTTP. With MCP_PID_FILE set it writes its process id
there first, so a test can check that the server is gone after a run.
"""

from __future__ import annotations

import os

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


if __name__ == "__main__":
    pid_file = os.environ.get("MCP_PID_FILE")
    if pid_file:
        with open(pid_file, "w") as out:
            out.write(str(os.getpid()))
    mcp.run()
