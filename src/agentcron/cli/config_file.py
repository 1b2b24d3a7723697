"""Where `agentcron login` keeps the server URL and its token, as `gh` keeps its hosts file.

The file is `$AGENTCRON_CONFIG`, else `~/.config/agentcron/config.toml`, written with mode
0600. A token is stored per server URL and only ever sent to that URL, so pointing the CLI
at another server with `--url` never leaks the stored token to it.

    url = "http://127.0.0.1:8000"          # the server used when no --url is given

    [tokens]
    "http://127.0.0.1:8000" = "acr_…"
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
CONFIG_ENV = "AGENTCRON_CONFIG"


def config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "agentcron" / "config.toml"


def normal_url(url: str) -> str:
    """One spelling per server, so `http://host:8000/` and `http://host:8000` share a token."""
    return url.strip().rstrip("/")


@dataclass
class CliConfig:
    url: str | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def token_for(self, url: str) -> str | None:
        return self.tokens.get(normal_url(url))


class ConfigError(ValueError):
    """The config file exists but cannot be read; the message names the file."""


def load(path: Path | None = None) -> CliConfig:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return CliConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    url = data.get("url")
    tokens = data.get("tokens", {})
    if not isinstance(tokens, dict):
        raise ConfigError(f"cannot read {path}: [tokens] must be a table")
    return CliConfig(
        url=normal_url(url) if isinstance(url, str) and url else None,
        tokens={normal_url(k): v for k, v in tokens.items() if isinstance(v, str)},
    )


def save(config: CliConfig, path: Path | None = None) -> Path:
    """Write the file readable by its owner only (created 0600, never world-readable)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# written by `agentcron login`; holds API tokens: keep it private", ""]
    if config.url:
        lines.append(f"url = {_quote(config.url)}")
    if config.tokens:
        lines += ["", "[tokens]"]
        lines += [
            f"{_quote(url)} = {_quote(token)}" for url, token in sorted(config.tokens.items())
        ]
    temp = path.with_name(path.name + ".tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    return path


def _quote(value: str) -> str:
    """A TOML basic string: JSON's escapes are a subset TOML accepts for these values."""
    return json.dumps(value, ensure_ascii=False)
