"""The `agentcron` command line. Admin commands talk to the database directly; client
commands (schedules) talk to a server over the HTTP API, as `gh` or `kubectl` do."""

from __future__ import annotations

from agentcron.cli.main import app, main

__all__ = ["app", "main"]
