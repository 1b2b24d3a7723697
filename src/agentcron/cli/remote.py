"""How client commands reach a server: the `--url`/`--token` options, the signed-in client,
paging through schedules, and short ids (unique prefixes, resolved on this side).

Precedence, as `gh` and `kubectl` do it: a flag, then the environment (`AGENTCRON_URL`,
`AGENTCRON_TOKEN`), then the file `agentcron login` wrote, then the server on this machine
(`AGENTCRON_PUBLIC_URL`, or where `agentcron serve` last listened), then
http://127.0.0.1:8000.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import fail
from agentcron.cli.config_file import DEFAULT_URL, ConfigError, load, normal_url

PAGE = 100
SCHEDULES = "/api/scheduled-commands"

UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar="AGENTCRON_URL",
        help="Server URL (default: the one `agentcron login` saved, else the server on this "
        "machine, else http://127.0.0.1:8000).",
        show_default=False,
    ),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="AGENTCRON_TOKEN",
        help="API token (default: the one `agentcron login` saved).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def server_url(url: str | None) -> str:
    if url:
        return normal_url(url)
    try:
        saved = load().url
    except ConfigError as exc:
        fail(str(exc))
    return saved or this_machine() or DEFAULT_URL


def this_machine() -> str | None:
    """The server `agentcron serve` runs on this machine, as its settings and data say."""
    from pydantic import ValidationError

    from agentcron.cli.local import local_server
    from agentcron.config import Settings

    try:
        return local_server(Settings())
    except ValidationError:
        return None


def token_for(url: str, token: str | None) -> str | None:
    if token:
        return token.strip()
    try:
        return load().token_for(url)
    except ConfigError as exc:
        fail(str(exc))


@contextlib.contextmanager
def connect(url: str | None, token: str | None) -> Iterator[ApiClient]:
    """A signed-in client; any ApiError inside the block becomes a one-line exit."""
    base = server_url(url)
    client = ApiClient(base, token_for(base, token))
    try:
        yield client
    except ApiError as exc:
        fail(exc.message)
    finally:
        client.close()


def all_schedules(client: ApiClient, **filters: Any) -> list[dict[str, Any]]:
    """Every schedule of the signed-in user matching `filters`, page by page."""
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(SCHEDULES, offset=offset, limit=PAGE, **filters)
        batch = list(page.get("items") or [])
        items.extend(batch)
        offset += len(batch)
        if not batch or offset >= int(page.get("total") or 0):
            return items


_HEX_PREFIX = re.compile(r"[0-9a-fA-F-]{1,36}")


def resolve_id(client: ApiClient, ident: str) -> str:
    """The full id a user means: a full id as given; else the schedule whose `key` is
    `ident`; else the one schedule whose id starts with `ident` (hyphens optional)."""
    ident = ident.strip()
    with contextlib.suppress(ValueError):
        return str(uuid.UUID(ident))
    schedules = all_schedules(client)
    matches = [s for s in schedules if s.get("key") == ident]
    if not matches and _HEX_PREFIX.fullmatch(ident):
        wanted = ident.lower().replace("-", "")
        matches = [s for s in schedules if str(s["id"]).replace("-", "").startswith(wanted)]
    if len(matches) == 1:
        return str(matches[0]["id"])
    if not matches:
        raise ApiError(f"no schedule matches {ident!r} (see `agentcron ls`)", 404)
    raise ApiError(
        f"{ident!r} matches {len(matches)} schedules; give more characters of the id", 409
    )
