"""Settings: one object, read from the environment (prefix `AGENTCRON_`) and an optional
`.env` file, built at the edge (app factory, CLI) and passed down. Nothing reads it at import.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The database when none is named: `agentcron.db` in the data directory (see `resolve`).
DEFAULT_DATABASE_NAME = "agentcron.db"
# What marks a directory as an agentcron project: its agents file.
PROJECT_MARKER = "agents.toml"


def project_home(start: Path | None = None) -> Path:
    """The directory relative settings (the data directory, the agents file, a relative
    SQLite path) are read from, so that `agentcron users …` run anywhere finds the database
    the server uses: `AGENTCRON_HOME` when set; else the nearest directory at or above the
    working directory that holds an `agents.toml`; else the source checkout agentcron runs
    from (`make run` installs it in place); else the working directory."""
    explicit = os.environ.get("AGENTCRON_HOME")
    if explicit:
        return Path(explicit).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / PROJECT_MARKER).is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    return here


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGENTCRON_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where things live
    # Empty: `agentcron.db` in the data directory. Relative paths (here and in a SQLite URL)
    # are read from the project home (`project_home`), never from wherever a command runs.
    database_url: str = ""
    agents_file: Path = Path(PROJECT_MARKER)
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
    # empty: nobody's, the socket's peer is the client.
    trusted_proxies: str = ""

    # Scheduling policy (ARCHITECTURE.md, "Scheduling semantics")
    min_gap_s: int = Field(300, ge=1)
    misfire_grace_s: int = Field(300, ge=0)
    max_schedules_per_user: int = Field(50, ge=1)
    max_retries: int = Field(3, ge=0, le=3)
    default_timeout_s: int = Field(600, ge=1)
    max_timeout_s: int = Field(86_400, ge=1)
    retry_backoff_base_s: float = Field(10.0, ge=0)
    retry_backoff_max_s: float = Field(600.0, ge=0)

    # Engine mechanics
    engine_enabled: bool = True
    claim_batch_size: int = Field(500, ge=1, le=10_000)
    runner_concurrency: int = Field(500, ge=1)
    lease_s: float = Field(60.0, gt=0)
    loop_ceiling_s: float = Field(5.0, gt=0)
    recovery_interval_s: float = Field(15.0, gt=0)
    heartbeat_s: float = Field(10.0, gt=0)
    instance_dead_after_s: float = Field(60.0, gt=0)
    shutdown_grace_s: float = Field(30.0, ge=0)
    output_max_bytes: int = Field(65_536, ge=1024)
    agent_sync_threads: int = Field(8, ge=1, le=1024)
    """Synchronous Python agent calls at once, in threads of their own (agents/threads.py)."""

    # The sentence parser's fallback: an `llm` or `openai` agent of the agents file that reads
    # sentences the grammar refuses (shown for confirmation, never saved without it); "" is off.
    parser_agent: str = ""

    # Identity
    secret_key: str = ""
    session_max_age_s: int = 14 * 24 * 3600
    cookie_secure: bool = False
    jwt_secret: str = ""
    jwt_public_key: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""
    login_link_ttl_s: int = 900

    # Abuse limits
    write_rate_per_minute: int = Field(120, ge=1)
    auth_failures_per_minute: int = Field(20, ge=1)
    max_body_bytes: int = Field(65_536, ge=1024)
    body_timeout_s: float = Field(30.0, gt=0)
    header_timeout_s: float = Field(10.0, gt=0)
    command_max_len: int = Field(2000, ge=1)
    # Connections uvicorn serves at once (beyond: 503 for everything). Live event streams
    # (/api/events, /ui/events) hold one each for as long as they are open, so they are
    # capped below it, per user, per client address and in all: the rest is kept for
    # health checks, pages and API calls. Beyond a cap a new stream gets 429.
    max_connections: int = Field(1000, ge=10)
    max_streams: int = Field(800, ge=1)
    max_streams_per_user: int = Field(10, ge=1)
    max_streams_per_address: int = Field(20, ge=1)
    description_max_len: int = Field(500, ge=1)

    # Notifications (README, "Notifications")
    notify_allow_private: bool = False
    """Allow webhook channels on private, loopback and link-local addresses."""
    notify_rate_per_minute: int = Field(20, ge=1)
    """Messages per channel per minute; the rest are suppressed and counted in the next."""
    auto_pause_after: int = Field(5, ge=0, le=1000)
    """New schedules' consecutive final failures before they pause themselves (0: never)."""
    notify_interval_s: float = Field(5.0, gt=0)
    """How often a sender looks for notifications other instances wrote."""
    notify_timeout_s: float = Field(10.0, gt=0, le=120)
    notify_retry_base_s: float = Field(10.0, ge=0)
    notify_retention_days: int = Field(30, ge=0)
    """How long notices and the delivery log are kept (0: for ever)."""

    # History retention (0 = keep everything)
    retention_days: int = Field(0, ge=0)
    retention_per_schedule: int = Field(0, ge=0)
    retention_interval_s: float = Field(600.0, gt=0)

    log_level: str = "INFO"
    log_json: bool = False

    @property
    def min_gap(self) -> timedelta:
        return timedelta(seconds=self.min_gap_s)

    @model_validator(mode="after")
    def _streams_leave_a_reserve(self) -> Settings:
        if self.max_streams >= self.max_connections:
            raise ValueError(
                f"max_streams ({self.max_streams}) must be below max_connections "
                f"({self.max_connections}): the difference is kept for health and API requests"
            )
        return self

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        """Anchor relative paths at the project home, once, when the settings are built."""
        agents_file, data_dir = self.agents_file.expanduser(), self.data_dir.expanduser()
        sqlite_relative = _relative_sqlite_path(self.database_url)
        anchored = agents_file.is_absolute() and data_dir.is_absolute()
        if anchored and self.database_url and sqlite_relative is None:
            return self
        home = project_home()
        self.agents_file = home / agents_file  # an absolute path stays as it is
        self.data_dir = home / data_dir
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / DEFAULT_DATABASE_NAME}"
        elif sqlite_relative is not None:
            head = self.database_url[: len(self.database_url) - len(sqlite_relative)]
            self.database_url = f"{head}{(home / sqlite_relative).resolve()}"
        return self


def _relative_sqlite_path(url: str) -> str | None:
    """The file path of a `sqlite:///relative/path` URL; None for anything else (an absolute
    path, memory, another database, or a URL with options, left exactly as written)."""
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    rest = url.split(":///", 1)[1]
    if not rest or "?" in rest or rest.startswith(("/", ":memory:")):
        return None
    return rest


def ensure_secret_key(settings: Settings) -> str:
    """The key that signs browser sessions: from settings, else made once and kept in the
    data directory (owner-only), so restarts keep people signed in."""
    import secrets

    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only when new
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
