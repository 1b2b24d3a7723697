"""The server on this machine, as the local commands see it: the address `agentcron serve`
listens on (kept in the data directory, so `agentcron login` and `agentcron users
login-link` find a server started with `make run PORT=8123`), and the database it uses,
checked before an admin command opens it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from agentcron.cli.common import fail

if TYPE_CHECKING:
    from agentcron.config import Settings

SERVER_FILE = "server-url"
# Addresses a server listens on that a browser cannot open: the loopback one stands in.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104


def browser_url(host: str, port: int) -> str:
    """The URL a browser on this machine opens for a server listening on `host:port`."""
    shown = ANY_ADDRESS.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def record_server(settings: Settings, url: str) -> None:
    """Note where this machine's server listens (best effort: a read-only data directory
    only costs the commands their default)."""
    with contextlib.suppress(OSError):
        path = Path(settings.data_dir) / SERVER_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(url + "\n", encoding="utf-8")


def local_server(settings: Settings) -> str | None:
    """`AGENTCRON_PUBLIC_URL`, else where `agentcron serve` last said it listens, else None."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = (Path(settings.data_dir) / SERVER_FILE).read_text(encoding="utf-8").strip()
        if text.startswith(("http://", "https://")):
            return text
    return None


def where(database_url: str) -> str:
    """The database as a person recognises it: a SQLite file's path, else the URL without
    its password."""
    from sqlalchemy.engine import make_url

    from agentcron.store.database import normalize_url

    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def sqlite_file(database_url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    from agentcron.store.database import normalize_url

    url = make_url(normalize_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def require_schema(settings: Settings) -> None:
    """Exit with one line unless the database exists and is at this version's schema.

    Checked before opening it: connecting to a missing SQLite file would create an empty
    one, and a query on a database without tables would end in a traceback."""
    from agentcron.errors import StoreUnavailable
    from agentcron.store.database import Store

    database = where(settings.database_url)
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        fail(f"no database at {database}; run `agentcron migrate` first (or `make run`)")
    store = Store(settings.database_url)
    try:
        current, head = store.current_revision(), store.head_revision()
    except StoreUnavailable:
        fail(f"cannot open the database at {database}; is it running, and is the URL right?")
    finally:
        store.dispose()
    if current is None:
        fail(f"the database at {database} has no tables yet; run `agentcron migrate`")
    if current != head:
        fail(
            f"the database at {database} is at schema {current}, this version needs {head}; "
            "run `agentcron migrate`"
        )
