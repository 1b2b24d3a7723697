"""Settings: one object, read from the environment (prefix `AGENTCRON_`) and an optional
`.env` file, built at the edge (app factory, CLI) and passed down. Nothing reads it at import.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/agentcron.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGENTCRON_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where things live
    database_url: str = DEFAULT_DATABASE_URL
    agents_file: Path = Path("agents.toml")
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
    description_max_len: int = Field(500, ge=1)

    # History retention (0 = keep everything)
    retention_days: int = Field(0, ge=0)
    retention_per_schedule: int = Field(0, ge=0)
    retention_interval_s: float = Field(600.0, gt=0)

    log_level: str = "INFO"
    log_json: bool = False

    @property
    def min_gap(self) -> timedelta:
        return timedelta(seconds=self.min_gap_s)


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
