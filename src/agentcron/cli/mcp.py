"""`agentcron mcp`: the MCP tool set on stdin/stdout, for an assistant that launches it.

It runs as the user of `AGENTCRON_TOKEN` against `AGENTCRON_URL` (or `--token`/`--url`, or
what `agentcron login` saved), calling the REST API, so the running server's rules, limits and
words apply. stdout carries MCP only; logs and the refusal to start go to stderr.
"""

from __future__ import annotations

import logging

from agentcron.cli.client import NOT_SIGNED_IN, ApiClient, ApiError
from agentcron.cli.common import fail
from agentcron.cli.remote import TokenOpt, UrlOpt, server_url, token_for

log = logging.getLogger("agentcron.mcp")


def mcp(url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Serve MCP on stdin/stdout for an assistant (Claude Desktop, Cursor …), as your token's
    user. The assistant launches it; see the README for its configuration.

    Example: AGENTCRON_URL=http://127.0.0.1:8000 AGENTCRON_TOKEN=acr_… agentcron mcp
    """
    import anyio

    from agentcron.cli.mcp_remote import RemoteOperations
    from agentcron.config import Settings
    from agentcron.logs import configure_logging
    from agentcron.mcptools import build_server

    base = server_url(url)
    secret = token_for(base, token)
    if not secret:
        fail(NOT_SIGNED_IN)
    configure_logging(Settings())  # to stderr: stdout is the protocol's
    client = ApiClient(base, secret)
    try:
        me = client.get("/api/me")
    except ApiError as exc:
        if exc.status:  # the server answered, and refused: say so and stop
            client.close()
            fail(exc.message)
        # Not reachable yet: serve anyway; every tool answers this until it is.
        log.warning("%s", exc.message)
    else:
        log.info("serving MCP on stdio for %s as %s", base, me.get("name", "you"))
    operations = RemoteOperations(client)
    server = build_server(lambda ctx: operations)
    try:
        anyio.run(server.run_stdio_async)
    except KeyboardInterrupt:
        pass
    finally:
        client.close()
