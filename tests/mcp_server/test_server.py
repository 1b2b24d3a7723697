"""Building the MCP server in a process that has its own logging."""

from __future__ import annotations

import logging

from agentcron.mcptools import build_server


def test_building_the_server_leaves_the_root_logger_as_it_was() -> None:
    """The SDK's constructor calls logging.basicConfig, which on a root logger without
    handlers would add a Rich console handler at INFO; agentcron keeps its own set-up."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        build_server(lambda ctx: None)  # type: ignore[arg-type,return-value]
        assert root.handlers == []
        assert root.level == logging.WARNING
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
